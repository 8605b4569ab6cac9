package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/**
 * Opens the registry a command works on; tests inject one that hands out an in-process registry.
 */
@FunctionalInterface
interface RegistryFactory {

  /**
   * Opens a registry; the caller closes it.
   *
   * @param connect {@code --connect}, or null to leave it to the backend's settings
   * @param namespace {@code --namespace}, or null to leave it to the backend's settings
   */
  ServiceManager open(@Nullable String connect, @Nullable String namespace);

  /**
   * The {@code zookeeper} backend. Options given on the command line become builder settings; an
   * option not given is left to the backend, which reads {@code samgr.zookeeper.*} system
   * properties and {@code SAMGR_ZOOKEEPER_*} environment variables.
   */
  static RegistryFactory zookeeper() {
    return (connect, namespace) -> {
      Samgr.Builder builder = Samgr.builder().environment("zookeeper");
      if (connect != null) {
        builder.setting("zookeeper.connect", connect);
      }
      if (namespace != null) {
        builder.setting("zookeeper.namespace", namespace);
      }
      return builder.open();
    };
  }
}
