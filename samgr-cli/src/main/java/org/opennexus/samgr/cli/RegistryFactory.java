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
   * Opens a registry for a command that only looks ({@code list}, {@code resolve}, {@code await},
   * {@code watch}, {@code dashboard}): one that never writes; by default the same as {@link #open}.
   *
   * @param connect {@code --connect}, or null to leave it to the backend's settings
   * @param namespace {@code --namespace}, or null to leave it to the backend's settings
   */
  default ServiceManager openReadOnly(@Nullable String connect, @Nullable String namespace) {
    return open(connect, namespace);
  }

  /**
   * The {@code zookeeper} backend. Options given on the command line become builder settings; an
   * option not given is left to the backend, which reads {@code samgr.zookeeper.*} system
   * properties and {@code SAMGR_ZOOKEEPER_*} environment variables. A command that only looks opens
   * it with {@code zookeeper.read-only=true}: it never writes to ZooKeeper.
   */
  static RegistryFactory zookeeper() {
    return new RegistryFactory() {
      @Override
      public ServiceManager open(@Nullable String connect, @Nullable String namespace) {
        return zookeeper(connect, namespace, false);
      }

      @Override
      public ServiceManager openReadOnly(@Nullable String connect, @Nullable String namespace) {
        return zookeeper(connect, namespace, true);
      }
    };
  }

  private static ServiceManager zookeeper(
      @Nullable String connect, @Nullable String namespace, boolean readOnly) {
    Samgr.Builder builder = Samgr.builder().environment("zookeeper");
    if (connect != null) {
      builder.setting("zookeeper.connect", connect);
    }
    if (namespace != null) {
      builder.setting("zookeeper.namespace", namespace);
    }
    if (readOnly) {
      builder.setting("zookeeper.read-only", "true");
    }
    return builder.open();
  }
}
