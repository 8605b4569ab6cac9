package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    assertEquals(name, Layout.recordName(Names.encode(name)));
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
    assertNull(Layout.recordName(Names.encode(name)));
  }
}
