package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The model-based comparison of {@link ModelBasedTest}, over the {@code zookeeper} backend on the
 * JVM's embedded ZooKeeper server: random operation sequences, valid and invalid, each on a fresh
 * client in a namespace of its own, compared with the {@link RegistryModel} after every operation
 * (outcome, {@code services()} and the events of a {@code watchAll}, which arrive on the delivery
 * thread). Generations are ZooKeeper transaction ids, so {@link Generations} maps them to the
 * model's. Reproduce a failure with the seed it prints ({@code -Dsamgr.model.seed=SEED}); {@code
 * -Dsamgr.model.zookeeper.sequences=N} runs more (default 40).
 */
class ZooKeeperModelTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  /** Holds the embedded server up for the whole class (it stops when its last user closes). */
  private static ServiceManager keeper;

  @BeforeAll
  static void startServer() {
    keeper = open(ManualClock.at(Scenario.EPOCH));
  }

  @AfterAll
  static void stopServer() {
    keeper.close();
  }

  private static ServiceManager open(ManualClock clock) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", "embedded")
        .setting(
            "zookeeper.namespace",
            "model-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet())
        .clock(clock)
        .livenessTimeout(Scenario.TIMEOUT)
        .open();
  }

  private static final Scenario.Target ZOOKEEPER =
      new Scenario.Target("zookeeper", ZooKeeperModelTest::open, true, true);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void zookeeperRegistryMatchesModelOnRandomSequences() {
    Scenario.assertRandomSequencesMatch(
        ZOOKEEPER, Integer.getInteger("samgr.model.zookeeper.sequences", 40));
  }

  /**
   * Stale and forged handles go through the translation: a handle made stale by a restart, and a
   * generation the model never issued, are refused alike by the model and the backend.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void staleAndForgedHandlesCompareThroughTheTranslation() {
    Endpoint e = Vocabulary.ENDPOINTS.get(0);
    RegistryModel shadow = Scenario.newModel();
    Op register = new Op.Register("a", e);
    ServiceHandle h1 = (ServiceHandle) ((Outcome.Value) register.onModel(shadow)).value();
    Op restart = new Op.RestartName("a", e);
    restart.onModel(shadow);
    Op staleBeat = new Op.Heartbeat(h1);
    Op forgedBeat = new Op.Heartbeat(new ServiceHandle("a", e, new Generation(7)));
    Op staleUnregister = new Op.Unregister(h1);
    assertNull(
        Scenario.run(
            List.of(register, restart, staleBeat, forgedBeat, staleUnregister), ZOOKEEPER));
  }

  /** The comparison over zookeeper does catch a difference, and points at its operation. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void comparisonCatchesADifference() {
    Scenario.Target modelOfHost = new Scenario.Target("host", ZooKeeperModelTest::open, true, true);
    Scenario.Mismatch mismatch =
        Scenario.run(
            List.of(new Op.Register("a", Vocabulary.ENDPOINTS.get(0)), new Op.Environment()),
            modelOfHost);
    assertNotNull(mismatch);
    assertEquals(1, mismatch.index());
    assertEquals(new Outcome.Value("zookeeper"), mismatch.actual());
  }
}
