package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ApplyOrder} on its own, each writer a thread: a write that landed is applied only after
 * every write sent before its landing has landed or ended and the smaller zxids are applied, by
 * whichever writer finds it ready; a writer's deadline, its interrupt, or a failure of its apply
 * end its wait, and a failure reaches that writer only.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApplyOrderTest {

  private static final long LONG = TimeUnit.SECONDS.toNanos(60);

  private final ApplyOrder order = new ApplyOrder();
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private final ExecutorService writers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    writers.shutdownNow();
  }

  /** An apply that notes {@code name}, and on which thread it ran. */
  private Runnable noting(String name, AtomicReference<Thread> ranOn) {
    return () -> {
      ranOn.set(Thread.currentThread());
      applied.add(name);
    };
  }

  /** Lands {@code slot} on a writer thread of its own, which {@code writer} is set to. */
  private Future<?> landOnItsOwn(
      ApplyOrder.Slot slot, long zxid, Runnable apply, AtomicReference<Thread> writer) {
    return writers.submit(
        () -> {
          writer.set(Thread.currentThread());
          order.landed(slot, zxid, System.nanoTime() + LONG, apply);
          return null;
        });
  }

  /** Waits until {@code writer} is parked in {@code landed} (its write not applied yet). */
  private static void awaitParked(AtomicReference<Thread> writer) throws Exception {
    ZkTestSupport.awaitUntil(
        () -> {
          Thread t = writer.get();
          return t != null
              && (t.getState() == Thread.State.TIMED_WAITING
                  || t.getState() == Thread.State.WAITING);
        },
        Duration.ofSeconds(10),
        "the writer never waited");
  }

  @Test
  void aWriteThatLandsFirstWaitsForOneSentBeforeAndIsHandedTheApplyingAfterIt() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    AtomicReference<Thread> bThread = new AtomicReference<>();
    AtomicReference<Thread> bRanOn = new AtomicReference<>();
    Future<?> bDone = landOnItsOwn(b, 20, noting("b", bRanOn), bThread);
    awaitParked(bThread);
    assertEquals(List.of(), applied); // A may have the smaller zxid: B waits for it
    AtomicReference<Thread> aRanOn = new AtomicReference<>();
    order.landed(a, 10, System.nanoTime() + LONG, noting("a", aRanOn));
    bDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), applied);
    assertSame(Thread.currentThread(), aRanOn.get());
    // A's writer stops once its own is applied, and wakes B's, which applies its own.
    assertSame(bThread.get(), bRanOn.get());
  }

  @Test
  void aWriterAppliesTheReadyWritesBeforeItsOwnOnTheirWritersBehalf() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    AtomicReference<Thread> aThread = new AtomicReference<>();
    AtomicReference<Thread> aRanOn = new AtomicReference<>();
    Future<?> aDone = landOnItsOwn(a, 10, noting("a", aRanOn), aThread);
    awaitParked(aThread); // B was sent before A landed
    order.landed(b, 11, System.nanoTime() + LONG, noting("b", new AtomicReference<>()));
    aDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), applied);
    assertSame(Thread.currentThread(), aRanOn.get()); // by B's writer: A's was not scheduled
  }

  @Test
  void aWriterPastItsDeadlineThatOnlyWaitsItsTurnStaysInOrder() throws Exception {
    ApplyOrder.Slot a = order.sent();
    CountDownLatch applying = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<?> aDone =
        writers.submit(
            () -> {
              order.landed(
                  a,
                  10,
                  System.nanoTime() + LONG,
                  () -> {
                    applying.countDown();
                    awaitQuietly(finish); // a slow apply: the view's lock is busy, say
                    applied.add("a");
                  });
              return null;
            });
    assertTrue(applying.await(10, TimeUnit.SECONDS)); // A is being applied
    ApplyOrder.Slot b = order.sent(); // after A landed: A's zxid is smaller
    Future<?> bDone =
        writers.submit(
            () -> {
              // Its deadline has passed, but nothing that has not landed holds it up.
              order.landed(b, 11, System.nanoTime(), noting("b", new AtomicReference<>()));
              return null;
            });
    assertThrows(
        java.util.concurrent.TimeoutException.class, () -> bDone.get(100, TimeUnit.MILLISECONDS));
    assertEquals(List.of(), applied);
    finish.countDown();
    aDone.get(10, TimeUnit.SECONDS);
    bDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), applied);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertTrue(latch.await(20, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aWriteSentLaterWithTheSmallerZxidIsAppliedFirst() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    AtomicReference<Thread> aThread = new AtomicReference<>();
    Future<?> aDone = landOnItsOwn(a, 31, noting("a", new AtomicReference<>()), aThread);
    awaitParked(aThread); // B, sent before A landed, may have the smaller zxid
    order.landed(b, 30, System.nanoTime() + LONG, noting("b", new AtomicReference<>()));
    aDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("b", "a"), applied);
  }

  @Test
  void aWriteThatEndsWithoutLandingReleasesTheOnesAfterIt() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    AtomicReference<Thread> bThread = new AtomicReference<>();
    Future<?> bDone = landOnItsOwn(b, 20, noting("b", new AtomicReference<>()), bThread);
    awaitParked(bThread);
    order.done(a); // a conflict: A did not land
    bDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("b"), applied);
    order.done(a); // again: harmless
    order.done(b);
  }

  @Test
  void aWriteSentAfterAnotherLandedDoesNotHoldItUp() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    AtomicReference<Thread> aThread = new AtomicReference<>();
    Future<?> aDone = landOnItsOwn(a, 10, noting("a", new AtomicReference<>()), aThread);
    awaitParked(aThread); // B was sent before A landed
    ApplyOrder.Slot c = order.sent(); // after A landed: a larger zxid than A's
    AtomicReference<Thread> bThread = new AtomicReference<>();
    Future<?> bDone = landOnItsOwn(b, 11, noting("b", new AtomicReference<>()), bThread);
    aDone.get(10, TimeUnit.SECONDS); // A is applied although C has not landed
    awaitParked(bThread); // but C was sent before B landed: B waits for it
    assertEquals(List.of("a"), applied);
    order.done(c); // C did not land
    bDone.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), applied);
  }

  @Test
  void aWriterWhosePredecessorNeverLandsAppliesAtItsDeadline() {
    order.sent(); // held up: a write retried after a lost connection
    ApplyOrder.Slot b = order.sent();
    long began = System.nanoTime();
    order.landed(
        b, 20, began + TimeUnit.MILLISECONDS.toNanos(200), noting("b", new AtomicReference<>()));
    assertTrue(System.nanoTime() - began >= TimeUnit.MILLISECONDS.toNanos(200));
    assertEquals(List.of("b"), applied);
  }

  @Test
  void anInterruptedWriterAppliesAtOnceAndKeepsTheInterrupt() throws Exception {
    order.sent(); // never lands
    ApplyOrder.Slot b = order.sent();
    Future<Boolean> bDone =
        writers.submit(
            () -> {
              Thread.currentThread().interrupt();
              order.landed(b, 20, System.nanoTime() + LONG, noting("b", new AtomicReference<>()));
              return Thread.currentThread().isInterrupted();
            });
    assertTrue(bDone.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("b"), applied);
  }

  @Test
  void aFailedApplyRunByAnotherWriterReachesItsOwnWriterOnly() throws Exception {
    ApplyOrder.Slot a = order.sent();
    ApplyOrder.Slot b = order.sent();
    IllegalStateException boom = new IllegalStateException("view broke");
    AtomicReference<Thread> aThread = new AtomicReference<>();
    Future<?> aDone =
        writers.submit(
            () -> {
              aThread.set(Thread.currentThread());
              order.landed(
                  a,
                  10,
                  System.nanoTime() + LONG,
                  () -> {
                    applied.add("a on " + Thread.currentThread().getName());
                    throw boom;
                  });
              return null;
            });
    awaitParked(aThread); // B was sent before A landed
    order.landed(b, 11, System.nanoTime() + LONG, noting("b", new AtomicReference<>()));
    ExecutionException thrown =
        assertThrows(ExecutionException.class, () -> aDone.get(10, TimeUnit.SECONDS));
    assertSame(boom, thrown.getCause());
    assertEquals(List.of("a on " + Thread.currentThread().getName(), "b"), applied);
    // The order goes on: a later write is applied at once.
    ApplyOrder.Slot c = order.sent();
    order.landed(c, 30, System.nanoTime() + LONG, noting("c", new AtomicReference<>()));
    assertEquals("c", applied.get(2));
  }

  /**
   * Eight writers, each sending writes in ZooKeeper's order (a zxid taken as it is sent) and ending
   * a fifth of them without landing, in whatever order the threads run: every landed write is
   * applied once, in zxid order, and none waits for its deadline (a lost wake-up would leave a
   * ready write asleep until then: a minute, past this test's timeout).
   */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void manyWritersLandingAndEndingInEveryOrderApplyInZxidOrderAndNoneSleepsToItsDeadline()
      throws Exception {
    int threads = 8;
    int perThread = 3_000;
    Object sending = new Object();
    long[] zxids = new long[1];
    List<Long> appliedZxids = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger landedCount =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Future<?>> done = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          writers.submit(
              () -> {
                java.util.concurrent.ThreadLocalRandom random =
                    java.util.concurrent.ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                  ApplyOrder.Slot slot;
                  long zxid;
                  synchronized (sending) { // a session's requests run in the order sent
                    slot = order.sent();
                    zxid = ++zxids[0];
                  }
                  if (random.nextInt(4) == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(
                        1_000); // let others land first
                  }
                  if (random.nextInt(5) == 0) {
                    order.done(slot); // a conflict: did not land
                  } else {
                    landedCount.incrementAndGet();
                    order.landed(
                        slot,
                        zxid,
                        System.nanoTime() + TimeUnit.MINUTES.toNanos(1),
                        () -> appliedZxids.add(zxid));
                    order.done(slot);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(35, TimeUnit.SECONDS);
    }
    assertEquals(landedCount.get(), appliedZxids.size());
    for (int i = 1; i < appliedZxids.size(); i++) {
      assertTrue(
          appliedZxids.get(i - 1) < appliedZxids.get(i),
          "out of zxid order at " + i + ": " + appliedZxids.subList(i - 1, i + 1));
    }
  }
}
