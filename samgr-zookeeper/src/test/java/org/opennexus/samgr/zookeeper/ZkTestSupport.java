package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrConfig;

/** Opens zookeeper registries for tests: each in a namespace of its own on a given ensemble. */
final class ZkTestSupport {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private ZkTestSupport() {}

  /** A namespace no other test uses. */
  static String freshNamespace() {
    return "test-"
        + ProcessHandle.current().pid()
        + "-"
        + System.nanoTime()
        + "-"
        + NAMESPACES.incrementAndGet();
  }

  /** The path of a name's record in a namespace made with the default bucket count. */
  static String record(String namespace, String name) {
    Layout layout = new Layout("/" + namespace);
    layout.adopt(ZkSettings.DEFAULT_BUCKETS);
    return layout.record(name);
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

  static ServiceManager open(
      String connect, String namespace, ManualClock clock, Duration timeout) {
    return builder(connect, namespace).clock(clock).livenessTimeout(timeout).open();
  }

  /**
   * Opens a client whose work the test steps into through {@code hooks}, with more settings as key,
   * value, key, value...
   */
  static ZkServiceManager open(
      String connect, String namespace, ZkHooks hooks, String... keysAndValues) {
    SamgrConfig config =
        SamgrConfig.builder().settings(settings(connect, namespace, keysAndValues)).build();
    return ZkServiceManager.open(config, hooks);
  }

  /**
   * Opens a client with its own clock and liveness timeout, with more settings as key, value, key,
   * value...
   */
  static ZkServiceManager open(
      String connect,
      String namespace,
      InstantSource clock,
      Duration timeout,
      String... keysAndValues) {
    return open(connect, namespace, clock, timeout, ZkHooks.NONE, keysAndValues);
  }

  /** {@link #open(String, String, InstantSource, Duration, String...)} with test hooks. */
  static ZkServiceManager open(
      String connect,
      String namespace,
      InstantSource clock,
      Duration timeout,
      ZkHooks hooks,
      String... keysAndValues) {
    SamgrConfig config =
        SamgrConfig.builder()
            .clock(clock)
            .livenessTimeout(timeout)
            .settings(settings(connect, namespace, keysAndValues))
            .build();
    return ZkServiceManager.open(config, hooks);
  }

  private static Map<String, String> settings(
      String connect, String namespace, String... keysAndValues) {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("zookeeper.connect", connect);
    settings.put("zookeeper.namespace", namespace);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return settings;
  }

  /** A condition a test waits for; it may throw. */
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits until {@code condition} holds, failing with {@code failure} after 30 s (less than the
   * timeout of every test that waits).
   */
  static void awaitUntil(Condition condition, String failure) throws Exception {
    awaitUntil(condition, Duration.ofSeconds(30), failure);
  }

  /** Waits until {@code condition} holds, failing with {@code failure} after {@code wait}. */
  static void awaitUntil(Condition condition, Duration wait, String failure) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, failure);
      Thread.sleep(10);
    }
  }
}
