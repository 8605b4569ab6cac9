package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The only server is stopped and started again while two clients write: while it is down every
 * change fails with {@link SamgrError.Unavailable} (naming the operation and the environment)
 * instead of hanging; after it is back, changes succeed again and every subscription, on both
 * clients, receives the next change: none is left silent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerOutageTest {

  private static final Duration SESSION = Duration.ofSeconds(10);
  private static final Duration OPERATION = Duration.ofSeconds(2);

  /** Not a speed assertion: only a call that hangs far beyond the operation timeout fails. */
  private static final Duration HANG = OPERATION.plusSeconds(20);

  private static final Duration PROPAGATION = Duration.ofSeconds(20);

  @Test
  void changesFailWithUnavailableWhileTheServerIsDownAndSubscriptionsResumeAfter()
      throws Exception {
    String namespace = Zk.freshNamespace("outage");
    try (TestingServer server = new TestingServer(Zk.spec(1), true);
        ServiceManager w = Zk.open(server.getConnectString(), namespace, SESSION, OPERATION);
        ServiceManager v = Zk.open(server.getConnectString(), namespace, SESSION, OPERATION)) {
      EventLog byW = new EventLog("w's watchAll");
      EventLog byV = new EventLog("v's watchAll");
      EventLog afterByV = new EventLog("v's watch('after')");
      try (Subscription s1 = w.watchAll(byW);
          Subscription s2 = v.watchAll(byV);
          Subscription s3 = v.watch("after", afterByV)) {
        ServiceHandle fixed = w.register("fixed", Endpoint.of("tcp://10.1.0.1:1"));
        Load loadW = new Load("load-w", w);
        Load loadV = new Load("load-v", v);
        loadW.start();
        loadV.start();
        loadW.awaitSuccesses(20);
        loadV.awaitSuccesses(20);

        server.stop();
        // Under load: both load threads see Unavailable, and nothing else.
        loadW.awaitUnavailable(1);
        loadV.awaitUnavailable(1);
        expectUnavailable("register", () -> w.register("during", Endpoint.of("tcp://10.1.0.2:1")));
        expectUnavailable("restart", () -> w.restart("fixed", Endpoint.of("tcp://10.1.0.1:2")));
        expectUnavailable("restart", () -> w.restart(fixed, Endpoint.of("tcp://10.1.0.1:3")));
        expectUnavailable("unregister", () -> w.unregister(fixed));
        expectUnavailable("register", () -> v.register("during", Endpoint.of("tcp://10.1.0.2:2")));

        server.restart();
        int wBefore = loadW.successes.get();
        int vBefore = loadV.successes.get();
        loadW.awaitSuccesses(wBefore + 20);
        loadV.awaitSuccesses(vBefore + 20);
        loadW.finish();
        loadV.finish();
        assertEquals(
            List.of(), loadW.unexpected, "load-w: outcomes other than success and Unavailable");
        assertEquals(
            List.of(), loadV.unexpected, "load-v: outcomes other than success and Unavailable");
        System.out.println(
            "[figures] outage: longest call "
                + TimeUnit.NANOSECONDS.toMillis(Math.max(loadW.longest.get(), loadV.longest.get()))
                + " ms with operation-timeout "
                + OPERATION.toMillis()
                + " ms; Unavailable "
                + (loadW.unavailable.get() + loadV.unavailable.get())
                + " times");

        // Nothing whose request could not reach the stopped server took effect.
        assertEquals(Optional.empty(), w.find("during"));
        assertEquals(fixed, w.resolve("fixed"));

        // No subscription is left silent: the next change reaches all three.
        ServiceHandle after = w.register("after", Endpoint.of("tcp://10.1.0.3:1"));
        ServiceEvent registered = new ServiceEvent.Registered(after);
        byW.awaitEvent(registered, PROPAGATION);
        byV.awaitEvent(registered, PROPAGATION);
        afterByV.awaitEvent(registered, PROPAGATION);
        assertEquals(List.of(registered), afterByV.events());
        ServiceHandle fixed2 = v.restart(fixed, Endpoint.of("tcp://10.1.0.1:4"));
        byW.awaitEvent(new ServiceEvent.Restarted(fixed2), PROPAGATION);

        // Both clients and both watchers converge to the same final state.
        Map<String, ServiceHandle> state = new HashMap<>();
        for (ServiceHandle handle : v.services()) {
          state.put(handle.name(), handle);
        }
        Histories.awaitServices("w", w, state, PROPAGATION);
        for (EventLog log : List.of(byW, byV)) {
          Histories.assertGenerationOrderPerName(log);
          log.awaitUntil(
              "the final state",
              PROPAGATION,
              events -> {
                Map<String, ServiceHandle> last = new HashMap<>();
                events.forEach(e -> last.put(e.handle().name(), e.handle()));
                return last.entrySet().containsAll(state.entrySet());
              });
          Histories.assertConverged(log, state, Set.of());
        }
      }
    }
  }

  private static void expectUnavailable(String operation, Executable call) {
    long start = System.nanoTime();
    SamgrError.Unavailable e =
        assertTimeoutPreemptively(
            HANG, () -> assertThrows(SamgrError.Unavailable.class, call), operation + " hung");
    System.out.println(
        "[figures] outage: "
            + operation
            + " threw Unavailable after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
            + " ms");
    assertEquals(operation, e.operation());
    assertEquals("zookeeper", e.environment());
  }

  /** Restarts its own services in a loop, sorting every outcome. */
  private static final class Load extends Thread {
    final ServiceManager client;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger successes = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicLong longest = new AtomicLong();
    final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());

    Load(String name, ServiceManager client) {
      super(name);
      this.client = client;
      setDaemon(true);
    }

    @Override
    public void run() {
      int step = 0;
      while (!stop.get()) {
        String name = getName() + "-" + (step % 4);
        Endpoint endpoint = Endpoint.of("tcp://10.2.0." + (step % 250) + ":1");
        long start = System.nanoTime();
        try {
          Optional<ServiceHandle> current = client.find(name);
          if (current.isEmpty()) {
            client.register(name, endpoint);
          } else {
            client.restart(name, endpoint);
          }
          successes.incrementAndGet();
        } catch (SamgrError.Unavailable e) {
          if (!e.environment().equals("zookeeper")) {
            unexpected.add(e);
          }
          unavailable.incrementAndGet();
        } catch (SamgrError | RuntimeException e) {
          // Duplicate or NotFound may follow an Unavailable whose change did take effect.
          if (!(e instanceof SamgrError.Duplicate) && !(e instanceof SamgrError.NotFound)) {
            unexpected.add(e);
          }
        }
        longest.accumulateAndGet(System.nanoTime() - start, Math::max);
        step++;
      }
    }

    void awaitSuccesses(int count) throws InterruptedException {
      awaitCount(successes, count, "successes");
    }

    void awaitUnavailable(int count) throws InterruptedException {
      awaitCount(unavailable, count, "Unavailable outcomes");
    }

    private void awaitCount(AtomicInteger counter, int count, String what)
        throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (counter.get() < count) {
        assertTrue(
            System.nanoTime() < deadline,
            getName()
                + ": "
                + counter.get()
                + " "
                + what
                + " in 60 s, expected "
                + count
                + "; unexpected outcomes "
                + unexpected);
        Thread.sleep(10);
      }
    }

    void finish() throws InterruptedException {
      stop.set(true);
      join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!isAlive(), getName() + " did not stop");
      assertTrue(
          longest.get() < HANG.toNanos(),
          getName()
              + " had a call that hung: "
              + TimeUnit.NANOSECONDS.toMillis(longest.get())
              + " ms");
    }
  }
}
