package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * A listener call held in flight: a watch whose listener records the event, then blocks until
 * {@link #release()}, and a register of the name on a daemon thread that is inside that call once
 * {@link #start} returns. Every wait is bounded by {@link Races#WAIT}.
 */
final class BlockedCall {

  final RecordingListener events = new RecordingListener();
  final Subscription subscription;
  final Daemon<ServiceHandle> writer;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean returned = new AtomicBoolean();

  private BlockedCall(ServiceManager manager, String name) throws SamgrError {
    subscription =
        manager.watch(
            name,
            event -> {
              events.accept(event);
              entered.countDown();
              // Held longer than any wait of the test, so that a test never mistakes the end of
              // this hold for a close() or a writer that returned on its own.
              awaitQuietly(release, 2);
              returned.set(true);
            });
    writer = Daemon.create("samgr-tck-writer", () -> manager.register(name, Endpoint.of("a")));
  }

  /** Registers {@code name}, watched by a blocking listener, and waits until the call blocks. */
  static BlockedCall start(ServiceManager manager, String name) throws Exception {
    BlockedCall call = new BlockedCall(manager, name);
    call.writer.start();
    assertTrue(call.entered.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "no listener call");
    return call;
  }

  /** Lets the listener return. */
  void release() {
    release.countDown();
  }

  /** Whether the listener call has returned. */
  boolean returned() {
    return returned.get();
  }

  /** Whether the listener is still held (not yet released). */
  boolean held() {
    return release.getCount() > 0;
  }

  /** Waits for the latch, bounded by {@link Races#WAIT}; keeps an interrupt for the caller. */
  static void awaitQuietly(CountDownLatch latch) {
    awaitQuietly(latch, 1);
  }

  private static void awaitQuietly(CountDownLatch latch, int waits) {
    try {
      latch.await(Races.WAIT.toNanos() * waits, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
