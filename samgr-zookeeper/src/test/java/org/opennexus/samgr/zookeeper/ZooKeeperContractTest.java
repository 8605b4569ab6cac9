package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.tck.FullContract;
import org.opennexus.samgr.tck.RecordingListener;

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

  /** Every registry the contract opens gets a namespace of its own on the embedded server. */
  @Override
  public Samgr.Builder builder() {
    return ZkTestSupport.builder(ZkSettings.EMBEDDED, ZkTestSupport.freshNamespace());
  }

  /** Listeners run on the registry's one hand-off thread, never on writers' threads. */
  @Override
  public boolean writersRunListeners() {
    return false;
  }

  /**
   * Replaces the host-shaped check: a {@code zookeeper} operation waits for the ensemble, and that
   * wait is interruptible, so a change made with the interrupt flag set is refused with {@code
   * Unavailable} (its cause the {@link InterruptedException}, the flag kept) and nothing happens;
   * listeners run on the delivery thread, where the writer's flag never shows.
   */
  @Override
  @Test
  public void listenerNeitherSeesNorSwallowsTheWritersInterrupt() throws Exception {
    try (ServiceManager manager = open()) {
      List<Boolean> interruptedInListener = new CopyOnWriteArrayList<>();
      RecordingListener events = new RecordingListener();
      manager.watch(
          "svc",
          event -> {
            interruptedInListener.add(Thread.currentThread().isInterrupted());
            events.accept(event);
          });
      Thread.currentThread().interrupt();
      SamgrError.Unavailable refused;
      boolean flagAfter;
      try {
        refused =
            assertThrows(
                SamgrError.Unavailable.class, () -> manager.register("svc", Endpoint.of("a")));
      } finally {
        flagAfter = Thread.interrupted();
      }
      assertTrue(flagAfter, "register cleared the caller's interrupt flag");
      assertInstanceOf(InterruptedException.class, refused.getCause());
      assertEquals("register", refused.operation());
      assertEquals(
          "operation 'register' of the 'zookeeper' samgr backend was interrupted before it"
              + " completed; whether a change took effect is unknown (resolve to find out)",
          refused.getMessage());
      assertEquals(Optional.empty(), manager.find("svc"));
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertEquals(List.of(new ServiceEvent.Registered(handle)), events.awaitEvents(1));
      assertEquals(List.of(false), interruptedInListener);
    }
  }
}
