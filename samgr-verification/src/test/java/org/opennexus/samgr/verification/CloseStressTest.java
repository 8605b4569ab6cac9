package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * Stress for finding 2 of issue 9 (listeners that close each other's subscriptions deadlocked): 4
 * threads, each registering a service on one shared host registry, whose 4 {@code watchAll}
 * listeners close one another's subscriptions, and in some trials the registry, from inside a
 * listener, while each thread then closes its own subscription from outside (which waits for calls
 * in flight) and one thread may close the registry from outside too. At least 100,000 trials, run
 * by 4 long-lived threads that meet at a {@link Phaser} between trials (a fresh registry and fresh
 * subscriptions each trial; the trials take every delivery mode in turn: caller-runs on the
 * writers' threads, a shared 4-thread executor, and a direct executor, {@code Runnable::run}).
 *
 * <p>A deadlock is detected, never waited out: a watchdog fails the test when a trial makes no
 * progress for {@link #STALL_SECONDS}, asking {@link ThreadMXBean#findDeadlockedThreads()} which
 * threads are deadlocked and putting every involved thread's full stack in the message. Each trial
 * also checks the close rule: no listener call starts after its subscription's {@code close()}
 * returned on another thread, and listeners never throw.
 *
 * <p>{@code -Dsamgr.stress.trials=N} (default 100,000).
 */
class CloseStressTest {

  static final int THREADS = 4;
  static final long STALL_SECONDS = 10;
  private static final Endpoint ENDPOINT = Endpoint.of("tcp://127.0.0.1:7000");
  private static final String[] NAMES = {"s0", "s1", "s2", "s3"};

  /** One trial: a registry, its subscriptions, and what went wrong in it. */
  static final class Trial {
    final ServiceManager registry;
    final AtomicReferenceArray<@Nullable Subscription> subscriptions =
        new AtomicReferenceArray<>(THREADS);

    /** 1 once thread i's close() of its subscription returned (from outside any listener). */
    final AtomicIntegerArray closedOutside = new AtomicIntegerArray(THREADS);

    final List<String> problems = new ArrayList<>();

    /** Which listener closes the registry from inside (-1: none). */
    final int registryCloser;

    /** Whether thread 3 closes the registry from outside, before closing its subscription. */
    final boolean closeRegistryOutside;

    /** How far ahead a listener's victim is: 1 (a ring) or 2 (pairs closing each other). */
    final int step;

    Trial(SplittableRandom random, @Nullable Executor executor) {
      ManualClock clock = ManualClock.at(Scenario.EPOCH);
      registry =
          ConcurrentRun.HOST.open(
              SamgrConfig.builder()
                  .clock(clock)
                  .livenessTimeout(Scenario.TIMEOUT)
                  .settings(Map.of())
                  .executor(executor)
                  .listenerFailures(
                      (event, thrown) -> problem("listener threw on " + event + ": " + thrown))
                  .build());
      registryCloser = random.nextInt(2 * THREADS) - THREADS; // half the trials: none
      closeRegistryOutside = random.nextBoolean();
      step = 1 + random.nextInt(2);
      for (int i = 0; i < THREADS; i++) {
        int me = i;
        try {
          subscriptions.set(i, registry.watchAll(event -> listen(me, event)));
        } catch (Exception e) {
          throw new AssertionError("watchAll on a fresh registry failed", e);
        }
      }
    }

    synchronized void problem(String problem) {
      problems.add(problem);
    }

    private void listen(int me, ServiceEvent event) {
      if (closedOutside.get(me) == 1) {
        problem("listener " + me + " called with " + event + " after its close() returned");
      }
      Subscription victim = subscriptions.get((me + step) % THREADS);
      if (victim != null) {
        victim.close();
      }
      if (me == registryCloser) {
        registry.close();
      }
    }

    /** Thread {@code me}'s part: a change that reaches every listener, then its own closes. */
    void run(int me) {
      try {
        registry.register(NAMES[me], ENDPOINT);
      } catch (IllegalStateException closedByAListener) {
        // a listener of this trial closed the registry first: allowed
      } catch (Exception | Error e) {
        problem("thread " + me + ": register threw " + e);
      }
      if (me == THREADS - 1 && closeRegistryOutside) {
        registry.close();
      }
      Subscription own = subscriptions.get(me);
      if (own != null) {
        own.close();
      }
      closedOutside.set(me, 1);
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void listenersClosingEachOtherAndTheRegistryNeverDeadlock() throws Exception {
    int trials = Integer.getInteger("samgr.stress.trials", 100_000);
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    ExecutorService executor =
        Executors.newFixedThreadPool(THREADS, daemon("samgr-stress-executor"));
    AtomicInteger completed = new AtomicInteger();
    AtomicReference<@Nullable String> failure = new AtomicReference<>();
    AtomicReference<@Nullable Trial> current = new AtomicReference<>();

    Phaser phaser =
        new Phaser(THREADS) {
          @Override
          protected boolean onAdvance(int phase, int registeredParties) {
            // Runs on the last thread to arrive, while the others wait: ends one trial, starts the
            // next. Every listener call of the trial has ended: each thread closed its own
            // subscription from outside, which waits for calls in flight.
            try {
              Trial done = current.get();
              if (done != null) {
                done.registry.close();
                synchronized (done) {
                  if (!done.problems.isEmpty()) {
                    failure.compareAndSet(null, "trial " + completed.get() + ": " + done.problems);
                  }
                }
                completed.incrementAndGet();
              }
              if (failure.get() != null || completed.get() >= trials) {
                return true;
              }
              // Every delivery mode in turn: caller-runs, a shared pool, a direct executor.
              int mode = completed.get() % 3;
              current.set(
                  new Trial(random, mode == 0 ? null : mode == 1 ? executor : Runnable::run));
              return false;
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, "setting up trial " + completed.get() + ": " + e);
              return true;
            }
          }
        };

    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int me = t;
      Thread worker =
          new Thread(
              () -> {
                while (true) {
                  phaser.arriveAndAwaitAdvance();
                  Trial trial = current.get();
                  if (phaser.isTerminated() || trial == null) {
                    return;
                  }
                  trial.run(me);
                }
              },
              "samgr-stress-" + t);
      worker.setDaemon(true);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
    try {
      watch(workers, completed, failure);
    } finally {
      phaser.forceTermination(); // frees the workers still waiting at the phaser after a stall
      executor.shutdownNow();
    }
    String failed = failure.get();
    if (failed != null) {
      fail("seed " + seed + ", " + failed);
    }
    assertEquals(trials, completed.get());
  }

  /** Waits for the workers, failing with a deadlock report if no trial ends for a while. */
  private static void watch(
      List<Thread> workers, AtomicInteger completed, AtomicReference<@Nullable String> failure)
      throws InterruptedException {
    int seen = -1;
    long lastProgress = System.nanoTime();
    while (workers.stream().anyMatch(Thread::isAlive)) {
      TimeUnit.MILLISECONDS.sleep(100);
      int now = completed.get();
      if (now != seen) {
        seen = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
        String report = stuckReport(now);
        workers.forEach(Thread::interrupt);
        failure.compareAndSet(null, report);
        return;
      }
    }
  }

  /** Which threads are deadlocked (per ThreadMXBean), and the full stack of every samgr thread. */
  static String stuckReport(int trial) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] deadlocked = threads.findDeadlockedThreads();
    StringBuilder out =
        new StringBuilder("trial ")
            .append(trial)
            .append(" made no progress for ")
            .append(Duration.ofSeconds(STALL_SECONDS))
            .append("; ThreadMXBean.findDeadlockedThreads(): ")
            .append(
                deadlocked == null
                    ? "none (threads waiting, not blocked)"
                    : deadlocked.length + " threads");
    for (ThreadInfo info : threads.dumpAllThreads(true, true)) {
      if (!info.getThreadName().startsWith("samgr")) {
        continue;
      }
      out.append("\n\"").append(info.getThreadName()).append("\" ").append(info.getThreadState());
      if (info.getLockName() != null) {
        out.append(" on ").append(info.getLockName());
      }
      if (info.getLockOwnerName() != null) {
        out.append(" owned by \"").append(info.getLockOwnerName()).append('"');
      }
      for (StackTraceElement frame : info.getStackTrace()) {
        out.append("\n    at ").append(frame);
      }
    }
    return out.toString();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
