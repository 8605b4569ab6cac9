package org.opennexus.samgr.host;

import org.opennexus.samgr.spi.RegistryStats;

/**
 * The host registry's {@link RegistryStats}: the size of its map and the queues of its
 * subscriptions, read when asked. In-process, so never stale and always connected while open.
 */
final class HostStats implements RegistryStats {

  private final HostServiceManager registry;

  HostStats(HostServiceManager registry) {
    this.registry = registry;
  }

  @Override
  public int serviceCount() {
    return registry.serviceCount();
  }

  @Override
  public long deliveryBacklog() {
    return registry.deliveryBacklog();
  }

  @Override
  public boolean connected() {
    return !registry.isClosed();
  }

  @Override
  public String toString() {
    return "stats of " + registry;
  }
}
