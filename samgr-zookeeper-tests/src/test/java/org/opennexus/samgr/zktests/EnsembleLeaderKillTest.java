package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * A 3-server ensemble loses its leader while several clients register, restart, heartbeat and
 * unregister. Checked afterwards: no acknowledged change lost (the ensemble's final state is what
 * each name's last acknowledged operation made it), no generation repeated or out of real-time
 * order, every client's {@code services()} and every watcher's last event per name converge to that
 * state, and the killed server, restarted, serves it too.
 *
 * <p>Surefire runs each class of this module in a JVM of its own, so ZooKeeper's non-daemon quorum
 * threads left behind by a killed and restarted server cannot outlive this class.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EnsembleLeaderKillTest {

  private static final int WORKERS = 3;
  private static final int NAMES_PER_WORKER = 3;
  private static final Duration SESSION = Duration.ofSeconds(10);

  /** Longer than a leader election (0.3 to 1.6 s measured), so none reaches the caller. */
  private static final Duration OPERATION = Duration.ofSeconds(30);

  private static final Duration CONVERGENCE = Duration.ofSeconds(30);

  @Test
  void killingTheLeaderUnderLoadLosesNothingAndEveryoneConverges() throws Exception {
    String namespace = Zk.freshNamespace("ensemble");
    List<InstanceSpec> specs = List.of(Zk.spec(1), Zk.spec(2), Zk.spec(3));
    List<ServiceManager> clients = new ArrayList<>();
    List<Subscription> subscriptions = new ArrayList<>();
    try (TestingCluster cluster = new TestingCluster(specs)) {
      cluster.start();
      String connect = cluster.getConnectString();
      List<EventLog> logs = new ArrayList<>();
      for (int i = 0; i < WORKERS + 1; i++) {
        ServiceManager client = Zk.open(connect, namespace, SESSION, OPERATION);
        clients.add(client);
        EventLog log = new EventLog(i < WORKERS ? "worker " + i + "'s watchAll" : "observer");
        logs.add(log);
        subscriptions.add(client.watchAll(log));
      }

      List<Worker> workers = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        workers.add(new Worker(i, clients.get(i)));
      }
      workers.forEach(Worker::start);
      awaitProgress(workers, 20);

      InstanceSpec leader = leader(specs);
      assertTrue(cluster.killServer(leader), "killServer(" + leader + ")");
      awaitProgress(workers, 30); // progress with the two survivors, through the election
      assertTrue(cluster.restartServer(leader), "restartServer(" + leader + ")");
      awaitProgress(workers, 10);

      for (Worker worker : workers) {
        worker.finish();
      }
      List<Histories.Ack> acks = new ArrayList<>();
      Map<String, ServiceHandle> registered = new HashMap<>();
      Set<String> unregistered = new HashSet<>();
      for (Worker worker : workers) {
        assertEquals(List.of(), worker.failures, "worker " + worker.id + " failures");
        acks.addAll(worker.acks);
        registered.putAll(worker.registered);
        unregistered.addAll(worker.unregistered);
      }
      System.out.println(
          "[figures] ensemble: "
              + acks.size()
              + " acknowledged operations by "
              + WORKERS
              + " clients; leader "
              + leader.getServerId()
              + " killed and restarted");

      Histories.assertGenerationsUniqueAndInRealTimeOrder(acks);

      // The ensemble's state, read by a client opened afterwards, is what was acknowledged last.
      try (ServiceManager fresh = Zk.open(connect, namespace, SESSION, OPERATION)) {
        Histories.awaitServices("a fresh client", fresh, registered, CONVERGENCE);
      }
      // The restarted server, alone, serves the same state once it has caught up.
      try (ServiceManager viaRestarted =
          Zk.open(leader.getHostname() + ":" + leader.getPort(), namespace, SESSION, OPERATION)) {
        Histories.awaitServices(
            "a client of the restarted server", viaRestarted, registered, CONVERGENCE);
      }
      for (int i = 0; i < clients.size(); i++) {
        Histories.awaitServices("client " + i, clients.get(i), registered, CONVERGENCE);
      }
      for (EventLog log : logs) {
        awaitLastEvents(log, registered);
        Histories.assertGenerationOrderPerName(log);
        Histories.assertConverged(log, registered, unregistered);
        assertEquals(
            List.of(),
            log.events().stream().filter(e -> e instanceof ServiceEvent.Expired).toList(),
            log + ": no session ended, so nothing may expire");
      }
    } finally {
      subscriptions.forEach(Subscription::close);
      clients.forEach(ServiceManager::close);
    }
  }

  /** Waits until the log's last event per registered name carries the final handle. */
  private static void awaitLastEvents(EventLog log, Map<String, ServiceHandle> registered)
      throws InterruptedException {
    log.awaitUntil(
        "the final handles " + registered.values(),
        CONVERGENCE,
        events -> {
          Map<String, ServiceHandle> last = new HashMap<>();
          for (ServiceEvent event : events) {
            last.put(event.handle().name(), event.handle());
          }
          return last.entrySet().containsAll(registered.entrySet());
        });
  }

  /** Finds the one server that says it leads (an election may be running: wait for it). */
  private static InstanceSpec leader(List<InstanceSpec> specs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<InstanceSpec> leaders = new ArrayList<>();
      for (InstanceSpec spec : specs) {
        if (Zk.mode(spec.getHostname(), spec.getPort()).equals("leader")) {
          leaders.add(spec);
        }
      }
      if (leaders.size() == 1) {
        return leaders.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no single leader among " + specs + " within 30 s");
  }

  private static void awaitProgress(List<Worker> workers, int operations)
      throws InterruptedException {
    List<Integer> targets = new ArrayList<>();
    for (Worker worker : workers) {
      targets.add(worker.done.get() + operations);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 0; i < workers.size(); i++) {
      Worker worker = workers.get(i);
      while (worker.done.get() < targets.get(i)) {
        if (!worker.failures.isEmpty()) {
          throw new AssertionError("worker " + worker.id + " failed: " + worker.failures);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "worker "
                  + worker.id
                  + " made no progress for 60 s: "
                  + worker.done.get()
                  + " operations");
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * One client's own names, driven through register, heartbeat, restart by name, fenced restart and
   * unregister; every returned operation is recorded with its time span.
   */
  private static final class Worker extends Thread {
    final int id;
    final ServiceManager client;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger done = new AtomicInteger();
    final List<Histories.Ack> acks = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    final Map<String, ServiceHandle> registered = new HashMap<>(); // this thread's, then read
    final Set<String> unregistered = new HashSet<>();

    Worker(int id, ServiceManager client) {
      super("worker-" + id);
      this.id = id;
      this.client = client;
    }

    @Override
    public void run() {
      SplittableRandom random = new SplittableRandom(id);
      int step = 0;
      try {
        while (!stop.get()) {
          String name = "w" + id + "-n" + (step % NAMES_PER_WORKER);
          Endpoint endpoint = Endpoint.of("tcp://10." + id + ".0." + (step % 250) + ":1");
          ServiceHandle current = registered.get(name);
          long start = System.nanoTime();
          ServiceHandle result;
          String operation;
          int dice = random.nextInt(10);
          if (current == null) {
            operation = "register";
            result = client.register(name, endpoint);
          } else if (dice < 3) {
            operation = "heartbeat";
            client.heartbeat(current);
            result = null;
          } else if (dice < 5) {
            operation = "restart";
            result = client.restart(name, endpoint);
          } else if (dice < 8) {
            operation = "fenced restart";
            result = client.restart(current, endpoint);
          } else {
            operation = "unregister";
            client.unregister(current);
            result = null;
          }
          acks.add(new Histories.Ack(name, operation, start, System.nanoTime(), result));
          if (operation.equals("unregister")) {
            registered.remove(name);
            unregistered.add(name);
          } else if (result != null) {
            assertEquals(name, result.name());
            assertEquals(endpoint, result.endpoint());
            if (current != null) {
              assertTrue(result.generation().isAfter(current.generation()), operation);
            }
            registered.put(name, result);
            unregistered.remove(name);
          }
          step++;
          done.incrementAndGet();
        }
      } catch (SamgrError | RuntimeException | AssertionError e) {
        failures.add(e);
      }
    }

    void finish() throws InterruptedException {
      stop.set(true);
      join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!isAlive(), getName() + " did not stop");
    }
  }
}
