package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.BacklogOverflowException;
import org.opennexus.samgr.spi.Delivery;

/**
 * The delivery rules every backend meets (DESIGN.md, "Delivery rules in full"): a listener's
 * failure of any kind goes to the {@code listenerFailures} hook and disturbs nothing; closing
 * from inside a listener never waits, closing from outside waits interruptibly; an executor runs
 * every listener call and its rejections lose nothing; the backlog bound; a writer's budget; and
 * a closed registry or subscription keeps no listener reachable.
 *
 * <p>Tests that meet a deadlock or an endless wait fail after a bounded wait instead of hanging:
 * the racing calls run on daemon threads, and every test also has a {@link Timeout} on a
 * separate thread.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface DeliveryContract extends Contract {

  /** How many times each close-each-other race is run, each on a fresh registry. */
  int CLOSE_ROUNDS = 100;

  /**
   * Whether the backend's writers run listeners when no executor is set (caller-runs, {@link
   * Delivery#callerRuns}), so that two writers' listener calls run at once, as on {@code host}. A
   * backend whose listeners run on one delivery thread of its own ({@link Delivery#handOff}, as
   * {@code zookeeper}) overrides this to return {@code false}; the tests that need a listener
   * call in flight while another listener runs then give it an executor of several threads.
   *
   * @return whether writers run listeners by default
   */
  default boolean writersRunListeners() {
    return true;
  }

  /**
   * Opens a registry whose listeners can run on two threads at once: the default registry if
   * {@link #writersRunListeners()}, else one that delivers on {@code pool}.
   *
   * @param pool an executor of at least two threads, shut down by the caller
   * @param builder the builder to open, with what the test needs set
   * @return a new registry; the caller closes it
   */
  private ServiceManager openWithConcurrentListeners(ExecutorService pool, Samgr.Builder builder) {
    return (writersRunListeners() ? builder : builder.executor(pool)).open();
  }

  /** A pool for {@link #openWithConcurrentListeners}: daemon threads, enough for every test. */
  private static ExecutorService listenerPool() {
    return Executors.newFixedThreadPool(
        4,
        task -> {
          Thread t = new Thread(task, "samgr-tck-listener");
          t.setDaemon(true);
          return t;
        });
  }

  // ---- listener failures ----

  /**
   * A listener that throws a checked exception it did not declare (as Kotlin, Groovy or
   * Lombok's {@code @SneakyThrows} do) changes nothing for the writer: {@code register} returns
   * its handle, the hook receives the event and that very exception, and later events reach the
   * same listener and the others.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sneakyCheckedExceptionFromListenerGoesToTheHookAndDisturbsNothing()
      throws Exception {
    assertListenerFailureDisturbsNothing(new IOException("listener broke"));
  }

  /**
   * A listener that throws an {@link Error} (a failed assertion, say) changes nothing for the
   * writer: the hook receives it, and later events still arrive.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void errorFromListenerGoesToTheHookAndDisturbsNothing() throws Exception {
    assertListenerFailureDisturbsNothing(new AssertionError("expected: <1> but was: <2>"));
  }

  private void assertListenerFailureDisturbsNothing(Throwable thrown) throws Exception {
    Failures failures = new Failures();
    try (ServiceManager manager = builder().listenerFailures(failures).open()) {
      RecordingListener failing = new RecordingListener();
      RecordingListener other = new RecordingListener();
      manager.watch("svc", throwingOnce(failing, thrown));
      manager.watch("svc", other);
      ServiceHandle first =
          Daemon.start("samgr-tck-writer", () -> manager.register("svc", Endpoint.of("a")))
              .join("register whose listener throws");
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      manager.unregister(second);
      List<ServiceEvent> expected =
          List.of(new Registered(first), new Restarted(second), new Unregistered(second));
      assertEquals(expected, failing.awaitEvents(3));
      assertEquals(expected, other.awaitEvents(3));
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(List.of(new Failures.Failure(new Registered(first), thrown)), reported);
      assertSame(thrown, reported.get(0).failure());
    }
  }

  /**
   * A {@code listenerFailures} hook that throws itself disturbs nothing either: the writer
   * returns, later events arrive.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void throwingHookDisturbsNothing() throws Exception {
    AtomicReference<ServiceEvent> hookSaw = new AtomicReference<>();
    try (ServiceManager manager =
        builder()
            .listenerFailures(
                (event, failure) -> {
                  hookSaw.set(event);
                  throw new IllegalStateException("the hook broke too");
                })
            .open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", throwingOnce(events, new IllegalArgumentException("listener broke")));
      ServiceHandle first =
          Daemon.start("samgr-tck-writer", () -> manager.register("svc", Endpoint.of("a")))
              .join("register whose listener and hook throw");
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(
          List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      assertEquals(new Registered(first), hookSaw.get());
    }
  }

  /**
   * A listener neither sees nor swallows the interrupt flag of the thread that made the change:
   * it runs with the flag clear, and the writer's flag is still set when its call returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerNeitherSeesNorSwallowsTheWritersInterrupt() throws Exception {
    try (ServiceManager manager = open()) {
      List<Boolean> interruptedInListener = new CopyOnWriteArrayList<>();
      RecordingListener events = new RecordingListener();
      manager.watch(
          "svc",
          event -> {
            interruptedInListener.add(Thread.currentThread().isInterrupted());
            events.accept(event);
          });
      ServiceHandle handle;
      boolean flagAfterRegister;
      Thread.currentThread().interrupt();
      try {
        handle = manager.register("svc", Endpoint.of("a"));
      } finally {
        flagAfterRegister = Thread.interrupted();
      }
      assertTrue(flagAfterRegister, "register cleared the caller's interrupt flag");
      assertEquals(List.of(new Registered(handle)), events.awaitEvents(1));
      assertEquals(List.of(false), interruptedInListener);
    }
  }

  /**
   * A listener that throws {@link InterruptedException} (sneakily): the hook receives it, the
   * thread that ran the listener has its interrupt flag set again afterwards, and delivery goes
   * on. Run on an executor, so the flag can be read where the listener ran.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void interruptedExceptionFromListenerSetsTheFlagAgainAndGoesToTheHook()
      throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor(Executors.defaultThreadFactory());
    List<Boolean> flagAfterTask = new CopyOnWriteArrayList<>();
    Executor recording =
        task ->
            pool.execute(
                () -> {
                  task.run();
                  flagAfterTask.add(Thread.interrupted());
                });
    InterruptedException thrown = new InterruptedException("listener interrupted");
    try (ServiceManager manager =
        builder().executor(recording).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", throwingOnce(events, thrown));
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(List.of(new Failures.Failure(new Registered(first), thrown)), reported);
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      pool.shutdown(); // every task has ended, and recorded the flag it left, once it terminates
      assertTrue(pool.awaitTermination(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      assertTrue(flagAfterTask.contains(true), "interrupt flag not set again: " + flagAfterTask);
    } finally {
      Races.shutdown(pool);
    }
  }

  // ---- closing ----

  /**
   * Two listeners on two threads, each closing the other's subscription, never deadlock (each
   * round on a fresh registry, with listeners that work for about 0.1 ms).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenersClosingEachOthersSubscriptionsOnTwoThreadsNeverDeadlock()
      throws Exception {
    ExecutorService pool = listenerPool();
    try {
      for (int round = 0; round < CLOSE_ROUNDS; round++) {
        ServiceManager manager = openWithConcurrentListeners(pool, builder());
        try {
          Subscription[] subscriptions = new Subscription[2];
          for (int i = 0; i < 2; i++) {
            int other = 1 - i;
            subscriptions[i] =
                manager.watch(
                    "svc-" + i,
                    event -> {
                      spin();
                      subscriptions[other].close();
                    });
          }
          raceRegisters(manager, round);
        } finally {
          Daemon.closeWithin(manager);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A listener that closes the registry while a listener on another thread closes the first
   * one's subscription never deadlocks: closing the registry from inside a listener does not
   * wait either.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerClosingTheRegistryWhileAnotherClosesItsSubscriptionNeverDeadlocks()
      throws Exception {
    ExecutorService pool = listenerPool();
    try {
      for (int round = 0; round < CLOSE_ROUNDS; round++) {
        ServiceManager manager = openWithConcurrentListeners(pool, builder());
        try {
          Subscription[] closesRegistry = new Subscription[1];
          closesRegistry[0] =
              manager.watch(
                  "svc-0",
                  event -> {
                    spin();
                    manager.close();
                  });
          manager.watch(
              "svc-1",
              event -> {
                spin();
                closesRegistry[0].close();
              });
          raceRegisters(manager, round);
        } finally {
          Daemon.closeWithin(manager);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} called inside a listener returns the handle when the name is registered while
   * it waits, by default: its watch does not wait for the listener that called it, also where
   * listeners run on one delivery thread (which that listener occupies). Before this held, such
   * an {@code await} waited for itself until its timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInsideAListenerReturnsWhenTheNameIsRegisteredMeanwhile() throws Exception {
    assertAwaitInsideAListenerReturns(builder());
  }

  /**
   * The same with an executor of one thread, which the listener calling {@code await} occupies.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInsideAListenerOnAOneThreadExecutorReturns() throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor(
        task -> {
          Thread t = new Thread(task, "samgr-tck-one-listener-thread");
          t.setDaemon(true);
          return t;
        });
    try {
      assertAwaitInsideAListenerReturns(builder().executor(one));
    } finally {
      one.shutdownNow();
    }
  }

  private static void assertAwaitInsideAListenerReturns(Samgr.Builder builder) throws Exception {
    try (ServiceManager manager = builder.open()) {
      AtomicReference<Thread> listenerThread = new AtomicReference<>();
      CountDownLatch entered = new CountDownLatch(1);
      AtomicReference<Object> outcome = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      try (Subscription s =
          manager.watch(
              "first",
              event -> {
                listenerThread.set(Thread.currentThread());
                entered.countDown();
                try {
                  outcome.set(manager.await("second", Duration.ofSeconds(20)));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  outcome.set(e);
                } catch (SamgrError | RuntimeException e) {
                  outcome.set(e);
                }
                done.countDown();
              })) {
        Thread registrar =
            new Thread(
                () -> {
                  try {
                    manager.register("first", Endpoint.of("tcp://first:1"));
                  } catch (SamgrError | RuntimeException e) {
                    outcome.set(e); // fails the test at once, not after the waits below
                    entered.countDown();
                    done.countDown();
                  }
                },
                "samgr-tck-registrar");
        registrar.setDaemon(true); // on a caller-runs backend it runs the listener, and waits
        registrar.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the listener was called");
        Thread awaiting = listenerThread.get();
        assertNotNull(awaiting, "the registrar failed: " + outcome.get());
        // The listener's await waits, its watch open (a timed wait: the only one in the
        // listener), before the name is registered.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (awaiting.getState() != Thread.State.TIMED_WAITING) {
          assertTrue(System.nanoTime() - deadline < 0, "the listener's await never waited");
          Thread.sleep(1);
        }
        ServiceHandle second = manager.register("second", Endpoint.of("tcp://second:1"));
        assertTrue(done.await(60, TimeUnit.SECONDS), "the listener's await returned");
        assertEquals(
            second,
            outcome.get(),
            "an await inside a listener must not wait for that listener; a backend's watch must"
                + " pass await's listener to Delivery.subscribe as it is, unwrapped");
        registrar.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(registrar.isAlive(), "the registrar returned");
      }
    }
  }

  /**
   * {@code Subscription.close()} from inside a listener does not wait for a call of the closed
   * subscription's listener in flight on another thread; that call finishes, and no further call
   * starts.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void subscriptionCloseFromInsideAListenerDoesNotWait() throws Exception {
    assertCloseFromInsideAListenerDoesNotWait(false);
  }

  /**
   * {@code ServiceManager.close()} from inside a listener does not wait for a listener call in
   * flight on another thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registryCloseFromInsideAListenerDoesNotWait() throws Exception {
    assertCloseFromInsideAListenerDoesNotWait(true);
  }

  private void assertCloseFromInsideAListenerDoesNotWait(boolean closeRegistry)
      throws Exception {
    ExecutorService pool = listenerPool();
    ServiceManager manager = openWithConcurrentListeners(pool, builder());
    BlockedCall slow = null;
    try {
      slow = BlockedCall.start(manager, "slow");
      Subscription slowSubscription = slow.subscription;
      CountDownLatch closeReturned = new CountDownLatch(1);
      manager.watch(
          "closer",
          event -> {
            closeOne(manager, slowSubscription, closeRegistry);
            closeReturned.countDown();
          });
      Daemon<ServiceHandle> closer =
          Daemon.start("samgr-tck-closer", () -> manager.register("closer", Endpoint.of("b")));
      assertTrue(
          closeReturned.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS),
          "close() inside a listener waited for another thread's listener call");
      assertFalse(slow.returned(), "close() returned only after the other listener call did");
      closer.join("the change whose listener closed");
      assertNoCallAfterClose(manager, slow, !closeRegistry);
    } finally {
      if (slow != null) {
        slow.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /** Closes the registry, or else the subscription. */
  private static void closeOne(ServiceManager manager, Subscription s, boolean registry) {
    if (registry) {
      manager.close();
    } else {
      s.close();
    }
  }

  /**
   * Releases the blocked call, checks it finishes, and (if {@code changeAgain}) that a later
   * change does not reach the closed subscription.
   */
  private static void assertNoCallAfterClose(
      ServiceManager manager, BlockedCall blocked, boolean changeAgain) throws Exception {
    blocked.release();
    ServiceHandle handle = blocked.writer.join("the change whose listener call was in flight");
    if (changeAgain) {
      manager.restart(handle, Endpoint.of("c")); // must not reach the closed subscription
    }
    assertEquals(List.of(new Registered(handle)), blocked.events.events());
  }

  /**
   * {@code Subscription.close()} from outside any listener, interrupted while it waits for a
   * listener call in flight, stops waiting, returns and keeps the interrupt flag; the call in
   * flight finishes and no further call starts.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void subscriptionCloseInterruptedWhileWaitingReturnsKeepingTheFlag() throws Exception {
    assertInterruptedCloseReturnsKeepingTheFlag(false);
  }

  /**
   * {@code ServiceManager.close()} from outside any listener, interrupted while it waits for a
   * listener call in flight, stops waiting, returns and keeps the interrupt flag.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registryCloseInterruptedWhileWaitingReturnsKeepingTheFlag() throws Exception {
    assertInterruptedCloseReturnsKeepingTheFlag(true);
  }

  private void assertInterruptedCloseReturnsKeepingTheFlag(boolean closeRegistry)
      throws Exception {
    ServiceManager manager = open();
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      Subscription s = blocked.subscription;
      Daemon<Boolean> closer =
          Daemon.start(
              "samgr-tck-closer",
              () -> {
                closeOne(manager, s, closeRegistry);
                return Thread.currentThread().isInterrupted();
              });
      Races.awaitParked(closer.thread);
      closer.thread.interrupt();
      assertTrue(closer.join("an interrupted close()"), "interrupt flag lost");
      assertFalse(blocked.returned(), "close() waited for the listener after all");
      assertNoCallAfterClose(manager, blocked, !closeRegistry);
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
    }
  }

  // ---- executor ----

  /**
   * With an executor, listeners run only on it, never on a writer's thread, and a writer whose
   * listener is slow returns without waiting for it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void withAnExecutorAWriterNeverWaitsForItsListener() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Executor recording =
        task ->
            pool.execute(
                () -> {
                  ranOn.add(Thread.currentThread());
                  task.run();
                });
    ServiceManager manager = builder().executor(recording).open();
    BlockedCall blocked = null;
    try {
      // start() returns once the listener is inside its call, which it leaves only when released
      blocked = BlockedCall.start(manager, "svc");
      ServiceHandle handle = blocked.writer.join("register with a slow listener on an executor");
      assertTrue(blocked.held(), "the writer returned only after its listener did");
      blocked.release();
      ServiceHandle second = manager.restart(handle, Endpoint.of("b"));
      assertEquals(
          List.of(new Registered(handle), new Restarted(second)), blocked.events.awaitEvents(2));
      assertFalse(ranOn.isEmpty(), "the executor ran nothing");
      for (Thread thread : ranOn) {
        assertNotEquals(blocked.writer.thread, thread, "a listener ran on the writer's thread");
        assertNotEquals(Thread.currentThread(), thread, "a listener ran on the writer's thread");
      }
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * With an executor shared by several writers, every subscription still receives every event
   * once, in effect order, one call at a time, and never on a writer's thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void withAnExecutorEventsArriveInOrderNoneLostNoneTwice() throws Exception {
    int writers = 4;
    int restarts = 200;
    ExecutorService listenerPool = Executors.newFixedThreadPool(2);
    ExecutorService writerPool = Races.pool(writers);
    Set<Thread> writerThreads = ConcurrentHashMap.newKeySet();
    Set<Thread> listenerThreads = ConcurrentHashMap.newKeySet();
    try (ServiceManager manager = builder().executor(listenerPool).open()) {
      RecordingListener all = new RecordingListener();
      manager.watchAll(
          event -> {
            listenerThreads.add(Thread.currentThread());
            all.accept(event);
          });
      List<java.util.concurrent.Callable<List<ServiceEvent>>> tasks = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        String name = "svc-" + t;
        tasks.add(
            () -> {
              writerThreads.add(Thread.currentThread());
              List<ServiceEvent> mine = new ArrayList<>();
              ServiceHandle h = manager.register(name, Endpoint.of("0"));
              mine.add(new Registered(h));
              for (int i = 1; i <= restarts; i++) {
                h = manager.restart(h, Endpoint.of(Integer.toString(i)));
                mine.add(new Restarted(h));
              }
              return mine;
            });
      }
      Set<ServiceEvent> expected = new java.util.HashSet<>();
      Races.together(writerPool, tasks).forEach(expected::addAll);
      int total = writers * (restarts + 1);
      List<ServiceEvent> got = all.awaitEvents(total);
      assertEquals(total, got.size(), "events twice");
      assertEquals(expected, Set.copyOf(got));
      for (int i = 1; i < got.size(); i++) {
        if (!got.get(i).handle().generation().isAfter(got.get(i - 1).handle().generation())) {
          fail("event " + i + " out of order: " + got.get(i - 1) + " then " + got.get(i));
        }
      }
      assertEquals(1, all.maxCallsInFlight(), "listener called concurrently");
      for (Thread thread : listenerThreads) {
        assertFalse(writerThreads.contains(thread), "a listener ran on a writer's thread");
      }
    } finally {
      Races.shutdown(writerPool);
      Races.shutdown(listenerPool);
    }
  }

  /**
   * An executor that rejects the drain task loses no event: the rejection goes to the hook with
   * the first waiting event, the events stay queued, and the next change delivers them all, in
   * order, once the executor accepts again.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void executorThatRejectsLosesNoEventAndReportsTheRejection() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean reject = new AtomicBoolean(true);
    RejectedExecutionException refusal = new RejectedExecutionException("pool is full");
    Executor refusing =
        task -> {
          if (reject.get()) {
            throw refusal;
          }
          pool.execute(task);
        };
    try (ServiceManager manager =
        builder().executor(refusing).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      assertEquals(List.of(new Failures.Failure(new Registered(first), refusal)), failures.await(1));
      assertEquals(List.of(), events.events());
      reject.set(false);
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      assertEquals(1, failures.all().size(), "a rejection reported twice: " + failures.all());
    } finally {
      Races.shutdown(pool);
    }
  }

  // ---- backlog ----

  /**
   * A listener that falls {@value Delivery#MAX_BACKLOG_SETTING} events behind loses its
   * subscription, explicitly: the change that would exceed the bound closes it and the hook
   * receives that change's event with a {@link BacklogOverflowException} naming the bound; the
   * writer is never blocked; the call in flight finishes and the listener gets nothing more.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void backlogOverflowClosesTheSubscriptionAndReportsIt() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = listenerPool();
    ServiceManager manager =
        openWithConcurrentListeners(
            pool,
            builder().setting(Delivery.MAX_BACKLOG_SETTING, "3").listenerFailures(failures));
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      RecordingListener other = new RecordingListener();
      manager.watch("svc", other);
      // The first event is in flight; three more fill the backlog; the fifth overflows it.
      ServiceHandle h = manager.resolve("svc");
      List<ServiceHandle> restarted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        h =
            Daemon.start("samgr-tck-restart", restartOf(manager, h))
                .join("a restart while the listener is behind");
        restarted.add(h);
      }
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(1, reported.size(), "overflow reported more than once: " + reported);
      assertEquals(new Restarted(restarted.get(3)), reported.get(0).event());
      BacklogOverflowException overflow =
          assertInstanceOf(BacklogOverflowException.class, reported.get(0).failure());
      assertEquals(3, overflow.maxBacklog());
      assertEquals("samgr subscription to 'svc'", overflow.subscription());
      Checks.assertMessageNames(overflow, Delivery.MAX_BACKLOG_SETTING, "samgr subscription to 'svc'");
      assertNoCallAfterClose(manager, blocked, false);
      manager.unregister(h); // fence for the other listener
      assertEquals(7, other.awaitEvents(7).size(), "the other subscription lost events");
      assertEquals(1, failures.all().size(), "overflow reported again: " + failures.all());
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * A backlog bound that is not a positive whole number fails {@code open()} with {@link
   * IllegalArgumentException} naming the setting and where it came from.
   */
  @Test
  default void badBacklogSettingFailsOpenNamingTheSetting() {
    for (String bad : List.of("0", "-1", "many")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> builder().setting(Delivery.MAX_BACKLOG_SETTING, bad).open().close(),
              bad);
      Checks.assertMessageNames(e, Delivery.MAX_BACKLOG_SETTING, "builder setting", bad);
    }
  }

  // ---- the writer's budget ----

  /**
   * A writer is never held hostage by other threads' changes: while a slow listener keeps the
   * writer in its own event, another thread's changes queue up; when the listener returns, the
   * writer returns without delivering them (they took effect after its own), and they still
   * arrive, in order, on another thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void writerDoesNotDeliverChangesThatTookEffectAfterItsOwn() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch releaseLater = new CountDownLatch(1);
    ServiceManager manager = open();
    try {
      CountDownLatch entered = new CountDownLatch(1);
      RecordingListener events = new RecordingListener();
      List<Thread> ranOn = new CopyOnWriteArrayList<>();
      manager.watchAll(
          event -> {
            ranOn.add(Thread.currentThread());
            events.accept(event);
            if (event.handle().name().equals("first")) {
              entered.countDown();
              BlockedCall.awaitQuietly(releaseFirst);
            } else {
              BlockedCall.awaitQuietly(releaseLater);
            }
          });
      Daemon<ServiceHandle> writer =
          Daemon.start("samgr-tck-writer", () -> manager.register("first", Endpoint.of("a")));
      assertTrue(entered.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "no listener call");
      List<ServiceHandle> later = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        later.add(
            Daemon.start("samgr-tck-other", () -> manager.register("later-" + n, Endpoint.of("b")))
                .join("a change while another writer's listener is slow"));
      }
      releaseFirst.countDown();
      ServiceHandle first = writer.join("the writer, after its own listener call returned");
      releaseLater.countDown();
      List<ServiceEvent> expected = new ArrayList<>();
      expected.add(new Registered(first));
      later.forEach(h -> expected.add(new Registered(h)));
      assertEquals(expected, events.awaitEvents(expected.size()));
      for (int i = 1; i < ranOn.size(); i++) {
        assertNotEquals(writer.thread, ranOn.get(i), "the writer delivered a later change");
      }
    } finally {
      releaseFirst.countDown();
      releaseLater.countDown();
      Daemon.closeWithin(manager);
    }
  }

  // ---- memory ----

  /**
   * A closed registry keeps none of its listeners reachable, nor the subscriptions; and a closed
   * subscription that the caller still holds does not keep its listener reachable either.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeReleasesListenersAndSubscriptions() throws Exception {
    ServiceManager manager = open();
    manager.register("svc", Endpoint.of("a"));
    List<WeakReference<Object>> released = new ArrayList<>();
    Subscription closedButHeld = subscribeTracked(manager, released, true);
    subscribeTracked(manager, released, false);
    subscribeTracked(manager, released, false);
    closedButHeld.close();
    Daemon<ServiceHandle> waiter =
        Daemon.start("samgr-tck-await", () -> manager.await("never", Races.WAIT));
    Races.awaitParked(waiter.thread);
    manager.close();
    assertInstanceOf(
        IllegalStateException.class,
        assertInstanceOf(Daemon.Failed.class, waiter.outcome("await while closing")).cause());
    awaitCollected(released);
    assertNotNull(closedButHeld); // held to the end on purpose
    assertNotNull(manager);
  }

  // ---- helpers ----

  /** Registers the two racing names of a close-each-other round on two threads at once. */
  private static void raceRegisters(ServiceManager manager, int round) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Daemon<Object>> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = "svc-" + i;
      writers.add(
          Daemon.start(
              "samgr-tck-racer-" + i,
              () -> {
                start.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
                try {
                  return manager.register(name, Endpoint.of("a"));
                } catch (IllegalStateException closed) {
                  return closed; // the other listener closed the registry first
                }
              }));
    }
    for (Daemon<Object> writer : writers) {
      writer.join("round " + round + ": a register whose listener closes");
    }
  }

  /** About 0.1 ms of work, so that two listeners on two threads overlap. */
  private static void spin() {
    long end = System.nanoTime() + 100_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private static java.util.concurrent.Callable<ServiceHandle> restartOf(
      ServiceManager manager, ServiceHandle handle) {
    return () -> manager.restart(handle, Endpoint.of("r" + handle.generation().value()));
  }

  /** A listener that records every event and throws {@code failure} from the first call. */
  private static Consumer<ServiceEvent> throwingOnce(RecordingListener events, Throwable failure) {
    AtomicBoolean thrown = new AtomicBoolean();
    return event -> {
      events.accept(event);
      if (thrown.compareAndSet(false, true)) {
        Sneaky.raise(failure);
      }
    };
  }

  /** Subscribes a listener (and, on every other call, a watchAll) tracked only weakly. */
  private static Subscription subscribeTracked(
      ServiceManager manager, List<WeakReference<Object>> released, boolean all)
      throws SamgrError {
    RecordingListener listener = new RecordingListener();
    Subscription subscription = all ? manager.watchAll(listener) : manager.watch("svc", listener);
    released.add(new WeakReference<>(listener));
    if (!all) {
      released.add(new WeakReference<>(subscription));
    }
    return subscription;
  }

  /** Collects garbage until every reference is cleared; fails after a bounded time. */
  private static void awaitCollected(List<WeakReference<Object>> references)
      throws InterruptedException {
    long deadline = System.nanoTime() + Races.WAIT.toNanos();
    while (true) {
      List<Object> alive = new ArrayList<>();
      for (WeakReference<Object> reference : references) {
        Object referent = reference.get();
        if (referent != null) {
          alive.add(referent.toString());
        }
      }
      if (alive.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("still reachable after close: " + alive);
      }
      System.gc();
      Thread.sleep(10);
    }
  }
}
