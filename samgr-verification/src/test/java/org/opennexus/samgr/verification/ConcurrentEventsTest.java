package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceHandle;

/**
 * Random concurrent runs of the liveness and change operations on one name, each checked by the
 * {@link Linearizer} against the model, event stream included. The clock makes a thread that reads
 * it yield or sleep for a few microseconds at random, to widen the windows between reading the time
 * and acting on it (where the Expired races live); {@link ExpiryRaceTest} pins each known race
 * deterministically.
 *
 * <p>Each run has three phases of 3 threads x 2 calls, and the clock moves (by half the liveness
 * timeout) only between phases, when no call is in flight. The model takes an operation's clock
 * reading to be part of its atomic step; no implementation can read a clock atomically with its
 * effect (a restart reads the time, then installs the entry), so a clock moved during a call could
 * make a correct registry look wrong. Within a phase every call reads the same time, and that
 * assumption holds exactly.
 *
 * <p>{@code -Dsamgr.events.runs=N} (default 300) and {@code -Dsamgr.events.seed=S} (printed on
 * failure; the operations are seeded, the scheduling is not).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentEventsTest {

  private static final int THREADS = 3;
  private static final int PHASES = 3;
  private static final int OPS_PER_PHASE = 2;
  private static final Endpoint E0 = Vocabulary.ENDPOINTS.get(0);
  private static final Endpoint E1 = Vocabulary.ENDPOINTS.get(1);

  /** Reads a manual clock and, half the time, gives the processor away right after reading. */
  private static final class JitterClock implements InstantSource {
    private final ManualClock clock;

    JitterClock(ManualClock clock) {
      this.clock = clock;
    }

    @Override
    @SuppressWarnings("ThreadPriorityCheck") // yielding is the point: it widens the windows
    public long millis() {
      long millis = clock.millis();
      int dice = ThreadLocalRandom.current().nextInt(8);
      if (dice < 3) {
        Thread.yield();
      } else if (dice == 3) {
        LockSupport.parkNanos(20_000);
      }
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }

  private static ServiceHandle forged(int generation) {
    return new ServiceHandle("a", E0, new Generation(generation));
  }

  /** One random operation on "a" (the clock moves only between phases; see the class comment). */
  private static Op op(SplittableRandom random) {
    int generation = 1 + random.nextInt(3);
    return switch (random.nextInt(9)) {
      case 0, 1 -> new Op.Heartbeat(forged(generation));
      case 2 -> new Op.LivenessOf("a");
      case 3 -> new Op.SweepExpired();
      case 4 -> new Op.RestartName("a", E1);
      case 5 -> new Op.RestartHandle(forged(generation), E1);
      case 6 -> new Op.Unregister(forged(generation));
      case 7 -> new Op.Register("a", E0);
      default -> new Op.Resolve("a");
    };
  }

  @Test
  void randomConcurrentRunsHaveAnOrderThatExplainsOutcomesAndEvents() throws Exception {
    Long given = Long.getLong("samgr.events.seed");
    long seed = given != null ? given : new SplittableRandom().nextLong();
    int runs = Integer.getInteger("samgr.events.runs", 300);
    SplittableRandom random = new SplittableRandom(seed);
    for (int n = 0; n < runs; n++) {
      ManualClock manual = ManualClock.at(Scenario.EPOCH);
      try (ConcurrentRun run = new ConcurrentRun(manual, new JitterClock(manual))) {
        run.call(0, new Op.Register("a", E0));
        for (int phase = 0; phase < PHASES; phase++) {
          // Half the timeout per phase: the service expires in the second phase unless beaten.
          run.call(0, new Op.MoveClock(Scenario.TIMEOUT.toMillis() / 2 + 1));
          CountDownLatch start = new CountDownLatch(1);
          List<Thread> threads = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            Op[] ops = new Op[OPS_PER_PHASE];
            for (int i = 0; i < ops.length; i++) {
              ops[i] = op(random);
            }
            Runnable calls = run.calls(t, ops);
            threads.add(
                new Thread(
                    () -> {
                      try {
                        start.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      calls.run();
                    },
                    "samgr-events-" + t));
          }
          threads.forEach(Thread::start);
          start.countDown();
          for (Thread thread : threads) {
            ConcurrentRun.join(thread, 30);
          }
        }
        run.call(0, new Op.SweepExpired());
        try {
          run.assertLinearizable();
        } catch (AssertionError e) {
          fail(
              "run "
                  + n
                  + " of seed "
                  + seed
                  + " (-Dsamgr.events.seed="
                  + seed
                  + "): "
                  + e.getMessage());
        }
      }
    }
  }
}
