package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.junit.SamgrExtension;

/** The extension's module boundary is part of its contract. */
class ModuleDescriptorTest {

  private static final boolean ON_MODULE_PATH =
      "module-path".equals(System.getProperty("samgr.tests.expectedPath"));

  @Test
  void testsRunWhereTheBuildSaysTheyRun() {
    assertEquals(ON_MODULE_PATH, SamgrExtension.class.getModule().isNamed());
    assertEquals(ON_MODULE_PATH, getClass().getModule().isNamed());
  }

  @Test
  void moduleExportsOnlyTheExtensionPackage() {
    if (!ON_MODULE_PATH) {
      return; // no descriptor on the class path
    }
    ModuleDescriptor descriptor = SamgrExtension.class.getModule().getDescriptor();
    assertEquals("org.opennexus.samgr.junit", descriptor.name());
    assertFalse(descriptor.isOpen());
    assertEquals(
        Set.of("org.opennexus.samgr.junit"),
        descriptor.exports().stream()
            .peek(e -> assertFalse(e.isQualified(), "qualified export " + e))
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet()));
    assertEquals(Set.of(), descriptor.opens());
    assertEquals(Set.of(), descriptor.provides());
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        descriptor.requires().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Requires::name, ModuleDescriptor.Requires::modifiers));
    assertTrue(
        requires
            .get("org.opennexus.samgr")
            .contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    assertTrue(
        requires
            .get("org.junit.jupiter.api")
            .contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    assertTrue(requires.get("org.jspecify").contains(ModuleDescriptor.Requires.Modifier.STATIC));
    assertEquals(
        Set.of("java.base", "org.opennexus.samgr", "org.junit.jupiter.api", "org.jspecify"),
        requires.keySet());
  }
}
