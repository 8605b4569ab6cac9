package org.opennexus.samgr.zookeeper;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/** Opens zookeeper registries for tests: each in a namespace of its own on a given ensemble. */
final class ZkTestSupport {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private ZkTestSupport() {}

  /** A namespace no other test uses. */
  static String freshNamespace() {
    return "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
        + NAMESPACES.incrementAndGet();
  }

  static Samgr.Builder builder(String connect, String namespace) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", namespace);
  }

  static ServiceManager open(String connect, String namespace) {
    return builder(connect, namespace).open();
  }

  static ServiceManager open(String connect, String namespace, ManualClock clock, Duration timeout) {
    return builder(connect, namespace).clock(clock).livenessTimeout(timeout).open();
  }
}
