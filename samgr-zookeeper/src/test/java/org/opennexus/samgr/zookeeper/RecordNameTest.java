package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which record nodes hold a service: a node whose name decodes to a valid service name is a record;
 * one whose name breaks a rule of {@code Arguments} (such as a default-ignorable character, U+2800
 * or a leading combining mark) is not, so it is never listed, resolved or watched.
 */
class RecordNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "e\u0301", "\u2801", "caf\u00E9", "x\uD83D\uDE00", "a b"})
  void aNodeOfAValidNameIsARecord(String name) {
    assertEquals(name, nameAt(Names.encode(name)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\u034Fb",
        "\u2764\uFE0F",
        "a\uDB40\uDD00",
        "\u3164",
        "a\u115F",
        "pay\u2800",
        "\u0301x",
        "x\u202E",
        ""
      })
  void aNodeOfAnInvalidNameIsNoRecord(String name) {
    assertNull(nameAt(Names.encode(name)));
  }

  /** The name a layout finds in a record node called {@code node}, in the bucket it belongs to. */
  private static @Nullable String nameAt(String node) {
    Layout layout = new Layout("/samgr");
    layout.adopt(16);
    return layout.nameOf(layout.bucket(Layout.bucketOfNode(node, 16)) + "/" + node);
  }
}
