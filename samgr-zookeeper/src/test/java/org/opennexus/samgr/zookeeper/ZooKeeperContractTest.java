package org.opennexus.samgr.zookeeper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.tck.FullContract;

/**
 * The whole samgr contract against the {@code zookeeper} backend on the JVM's embedded server.
 * Every {@code open} gets a namespace of its own, so two registries the contract opens share
 * nothing, as it requires of every backend.
 */
class ZooKeeperContractTest implements FullContract {

  /** Holds the embedded server up for the whole class (it stops when its last user closes). */
  private static ServiceManager keeper;

  @BeforeAll
  static void startServer() {
    keeper = ZkTestSupport.open(ZkSettings.EMBEDDED, ZkTestSupport.freshNamespace());
  }

  @AfterAll
  static void stopServer() {
    keeper.close();
  }

  @Override
  public String environment() {
    return "zookeeper";
  }

  @Override
  public ServiceManager open() {
    return ZkTestSupport.open(ZkSettings.EMBEDDED, ZkTestSupport.freshNamespace());
  }

  @Override
  public ServiceManager open(ManualClock clock) {
    return ZkTestSupport.open(
        ZkSettings.EMBEDDED, ZkTestSupport.freshNamespace(), clock, LIVENESS_TIMEOUT);
  }
}
