package org.opennexus.samgr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ModuleTest {

  private static ModuleDescriptor descriptor() {
    ModuleDescriptor descriptor = SamgrMetrics.class.getModule().getDescriptor();
    assertNotNull(descriptor, "the tests run on the module path");
    return descriptor;
  }

  @Test
  void isNamedAndExportsOnlyItsPackageToAll() {
    ModuleDescriptor descriptor = descriptor();
    assertEquals("org.opennexus.samgr.metrics", descriptor.name());
    Set<String> exports = new TreeSet<>();
    for (ModuleDescriptor.Exports export : descriptor.exports()) {
      assertEquals(Set.of(), export.targets(), "no qualified exports");
      exports.add(export.source());
    }
    assertEquals(Set.of("org.opennexus.samgr.metrics"), exports);
  }

  @Test
  void requiresTheApiAndMicrometerTransitively() {
    Set<String> transitive = new TreeSet<>();
    for (ModuleDescriptor.Requires requires : descriptor().requires()) {
      if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
        transitive.add(requires.name());
      }
    }
    assertEquals(
        Set.of("org.opennexus.samgr", "micrometer.core", "micrometer.observation"), transitive);
    assertEquals(Set.of(), descriptor().provides());
  }
}
