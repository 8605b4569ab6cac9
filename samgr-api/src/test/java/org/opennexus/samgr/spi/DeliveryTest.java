package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/**
 * White-box tests of the delivery machinery without a registry: the hand-off mode (which no
 * in-process backend uses), executor batches, batches over many subscriptions, the backlog
 * counter, and what {@code closeAll} and {@code subscribe} do once closed. The rules as a whole
 * are checked through real registries by the TCK's {@code DeliveryContract}.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeliveryTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ServiceEvent event(int generation) {
    return new ServiceEvent.Registered(
        new ServiceHandle("svc", Endpoint.of("a"), new Generation(generation)));
  }

  private static SamgrConfig config(
      @Nullable Executor executor, BiConsumer<ServiceEvent, Throwable> hook, Map<String, String> settings) {
    return SamgrConfig.builder()
        .clock(InstantSource.system())
        .livenessTimeout(Duration.ofSeconds(30))
        .settings(settings)
        .executor(executor)
        .listenerFailures(hook)
        .build();
  }

  private static SamgrConfig config(@Nullable Executor executor) {
    return config(executor, SamgrConfig.loggingListenerFailures(), Map.of());
  }

  /** Records events and the threads they ran on; waits for them with a bound. */
  private static final class Recorder implements Consumer<ServiceEvent> {
    final List<ServiceEvent> events = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Boolean> inside = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void accept(ServiceEvent event) {
      events.add(event);
      threads.add(Thread.currentThread());
      inside.add(Delivery.insideListener());
      notifyAll();
    }

    synchronized List<ServiceEvent> await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (events.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " events, got " + events);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return List.copyOf(events);
    }
  }

  private static List<ServiceEvent> events(int from, int to) {
    List<ServiceEvent> events = new ArrayList<>();
    for (int g = from; g <= to; g++) {
      events.add(event(g));
    }
    return events;
  }

  @Test
  void handOffNeverRunsListenersOnTheWriterAndKeepsOrderAcrossBatches() throws Exception {
    Delivery delivery = Delivery.handOff(config(null), "test");
    Recorder recorder = new Recorder();
    DeliveredSubscription s = delivery.subscribe("samgr subscription to 'svc'", recorder, x -> {});
    for (ServiceEvent e : events(1, 200)) {
      s.dispatch(s.offer(e)); // one change at a time, as a backend's event thread sends them
    }
    assertEquals(events(1, 200), recorder.await(200));
    for (Thread thread : recorder.threads) {
      assertNotEquals(Thread.currentThread(), thread);
      assertEquals("samgr-test-delivery", thread.getName());
      assertTrue(thread.isDaemon());
    }
    assertFalse(recorder.inside.contains(false), "insideListener() was false in a listener");
    assertFalse(Delivery.insideListener());
    assertEquals("samgr 'test' delivery (hand-off, subscriptions: 1)", delivery.toString());
    delivery.closeAll();
    assertEquals("samgr 'test' delivery (hand-off, closed)", delivery.toString());
  }

  @Test
  void executorTaskDeliversOneBatchThenSubmitsAFreshTask() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    Executor counting =
        task -> {
          tasks.incrementAndGet();
          queued.add(task);
        };
    Delivery delivery = Delivery.callerRuns(config(counting), "test");
    Recorder recorder = new Recorder();
    DeliveredSubscription s = delivery.subscribe("d", recorder, x -> {});
    Delivery.Batch batch = delivery.batch();
    for (ServiceEvent e : events(1, 150)) {
      batch.offer(s, e);
    }
    batch.dispatch();
    assertEquals(150, s.backlog());
    assertEquals(1, tasks.get(), "one task per subscription at a time");
    s.dispatch(150); // a second dispatch while a task is queued submits nothing
    assertEquals(1, tasks.get());
    Runnable task;
    while ((task = queued.poll()) != null) {
      task.run();
    }
    assertEquals(events(1, 150), recorder.events);
    assertEquals(3, tasks.get(), "150 events in batches of " + DeliveredSubscription.BATCH);
    assertEquals(0, s.backlog());
    assertEquals("samgr 'test' delivery (executor, subscriptions: 1)", delivery.toString());
  }

  @Test
  void batchOverManySubscriptionsDispatchesEachOnceInOrder() throws Exception {
    Delivery delivery = Delivery.callerRuns(config(null), "test");
    List<Recorder> recorders = new ArrayList<>();
    List<DeliveredSubscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Recorder recorder = new Recorder();
      recorders.add(recorder);
      subscriptions.add(delivery.subscribe("d" + i, recorder, x -> {}));
    }
    Delivery.Batch batch = delivery.batch();
    for (int g = 1; g <= 3; g++) {
      for (DeliveredSubscription s : subscriptions) { // interleaved: the index takes over at 16
        batch.offer(s, event(g));
      }
    }
    batch.dispatch();
    for (Recorder recorder : recorders) {
      assertEquals(events(1, 3), recorder.events); // all delivered by this writer, before return
      assertEquals(List.of(Thread.currentThread()), List.copyOf(new java.util.HashSet<>(recorder.threads)));
    }
  }

  @Test
  void aChangeMadeByTheListenerIsDeliveredByTheSameThreadWhenItReturns() throws Exception {
    Delivery delivery = Delivery.callerRuns(config(null), "test");
    List<Object> log = new CopyOnWriteArrayList<>();
    DeliveredSubscription[] self = new DeliveredSubscription[1];
    self[0] =
        delivery.subscribe(
            "d",
            e -> {
              log.add(e);
              if (e.equals(event(1))) {
                self[0].dispatch(self[0].offer(event(2))); // a nested change
                log.add("listener returns");
              }
            },
            x -> {});
    self[0].dispatch(self[0].offer(event(1)));
    assertEquals(List.of(event(1), "listener returns", event(2)), log);
  }

  @Test
  void overflowInHandOffModeClosesAndReportsOnce() throws Exception {
    ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    List<String> unlinked = new CopyOnWriteArrayList<>();
    Delivery delivery =
        Delivery.handOff(
            config(held::add, (e, t) -> reported.add(t), Map.of(Delivery.MAX_BACKLOG_SETTING, "2")),
            "test");
    Recorder recorder = new Recorder();
    DeliveredSubscription s = delivery.subscribe("samgr subscription to 'svc'", recorder, x -> unlinked.add(x.toString()));
    assertEquals(2, delivery.maxBacklog());
    for (ServiceEvent e : events(1, 4)) {
      s.dispatch(s.offer(e));
    }
    assertTrue(s.isClosed());
    assertEquals(0, s.backlog());
    // Reported by a task of the executor, never on the dispatching thread.
    assertEquals(List.of(), reported);
    held.forEach(Runnable::run); // the drain task finds it closed; the report task reports
    assertEquals(List.of("samgr subscription to 'svc' (closed)"), unlinked);
    assertEquals(1, reported.size());
    BacklogOverflowException overflow = assertInstanceOf(BacklogOverflowException.class, reported.get(0));
    assertEquals(2, overflow.maxBacklog());
    assertEquals(List.of(), recorder.events);
  }

  @Test
  void failingUnlinkAndFailingHookDisturbNothing() throws Exception {
    CountDownLatch hookCalled = new CountDownLatch(1);
    Delivery delivery =
        Delivery.callerRuns(
            config(
                null,
                (e, t) -> {
                  hookCalled.countDown();
                  throw new IllegalStateException("hook broke");
                },
                Map.of()),
            "test");
    Recorder recorder = new Recorder();
    DeliveredSubscription s =
        delivery.subscribe(
            "d",
            e -> {
              recorder.accept(e);
              throw new IllegalArgumentException("listener broke");
            },
            x -> {
              throw new IllegalStateException("unlink broke");
            });
    s.dispatch(s.offer(event(1)));
    s.dispatch(s.offer(event(2)));
    assertEquals(events(1, 2), recorder.events);
    assertTrue(hookCalled.await(WAIT.toNanos(), TimeUnit.NANOSECONDS));
    s.close(); // the failing unlink is logged; close never throws
    assertTrue(s.isClosed());
    assertEquals("d (closed)", s.toString());
    s.dispatch(s.offer(event(3)));
    assertEquals(events(1, 2), recorder.events);
  }

  @Test
  void subscribeAfterCloseAllFailsAndCloseAllIsIdempotent() {
    Delivery delivery = Delivery.callerRuns(config(null), "test");
    DeliveredSubscription s = delivery.subscribe("d", e -> {}, x -> {});
    delivery.closeAll();
    delivery.closeAll();
    assertTrue(s.isClosed());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> delivery.subscribe("d", x -> {}, x -> {}));
    assertEquals("this samgr 'test' registry is closed", e.getMessage());
  }

  @Test
  void badBacklogSettingNamesKeyAndSource() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Delivery.callerRuns(
                    config(
                        null,
                        SamgrConfig.loggingListenerFailures(),
                        Map.of(Delivery.MAX_BACKLOG_SETTING, "0")),
                    "test"));
    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains(Delivery.MAX_BACKLOG_SETTING), message);
    assertTrue(message.contains("builder setting"), message);
    assertEquals(Delivery.DEFAULT_MAX_BACKLOG, Delivery.callerRuns(config(null), "t").maxBacklog());
  }
}
