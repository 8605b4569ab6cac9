package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Two JVMs share one registry: a child process ({@link ChildRegistrar}) registers, restarts and
 * heartbeats services; this JVM sees them and their events, and the child sees this JVM's. Then the
 * child is killed with SIGKILL, so nothing in it can unregister or say goodbye: its heartbeats
 * stop, and each of its services must be announced {@code Expired} to this JVM's watchers exactly
 * once, once its own liveness timeout has passed, without anyone calling {@code sweepExpired}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoProcessesTest extends OneServer {

  /** The child's session timeout (the server allows 1 s to 10 s). */
  private static final Duration CHILD_SESSION = Duration.ofSeconds(4);

  /**
   * The liveness timeout the child registers its services with, short so the test is quick (it
   * heartbeats every 250 ms).
   */
  private static final Duration CHILD_LIVENESS = Duration.ofSeconds(4);

  /**
   * How long after the kill the test waits for the {@code Expired} events: the documented bound
   * (the liveness timeout and a quarter of it, for a client that does not own the services), then a
   * generous margin for the marking write and its propagation on a loaded machine.
   */
  private static final Duration EXPIRY_WAIT =
      CHILD_LIVENESS.plus(CHILD_LIVENESS.dividedBy(4)).plusSeconds(15);

  private static final Duration PROPAGATION = Duration.ofSeconds(15);
  private static final List<String> NAMES = List.of("child-a", "child-b", "child-c");

  @Test
  void servicesOfAKilledProcessAreAnnouncedExpiredExactlyOnce() throws Exception {
    String namespace = Zk.freshNamespace("two-jvms");
    try (ServiceManager parent =
            Zk.open(
                server.getConnectString(),
                namespace,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10));
        ChildJvm child =
            ChildJvm.startOnTestClassPath(
                ChildRegistrar.class,
                List.of("-Xmx128m"),
                args(server.getConnectString(), namespace))) {
      EventLog all = new EventLog("parent's watchAll");
      EventLog one = new EventLog("parent's watch('child-b')");
      try (Subscription watchAll = parent.watchAll(all);
          Subscription watchOne = parent.watch("child-b", one)) {
        // The child registers; the parent sees each service with the generation the child got.
        Map<String, ServiceHandle> latest = new LinkedHashMap<>();
        for (String name : NAMES) {
          String line = child.expectLine("registered " + name + " ", PROPAGATION);
          latest.put(name, handle(name, "/1", line));
        }
        child.expectLine("ready", PROPAGATION);
        Map<String, ServiceHandle> registered = Map.copyOf(latest);
        for (ServiceHandle handle : latest.values()) {
          all.awaitEvent(new ServiceEvent.Registered(handle), PROPAGATION);
        }
        one.awaitEvent(new ServiceEvent.Registered(latest.get("child-b")), PROPAGATION);
        assertEquals(List.copyOf(latest.values()), parent.services());

        // The child restarts one; the parent sees Restarted with the child's new generation.
        child.send("restart child-a");
        ServiceHandle restarted =
            handle("child-a", "/2", child.expectLine("restarted child-a ", PROPAGATION));
        assertTrue(restarted.generation().isAfter(latest.get("child-a").generation()));
        latest.put("child-a", restarted);
        all.awaitEvent(new ServiceEvent.Restarted(restarted), PROPAGATION);
        assertEquals(restarted, parent.resolve("child-a"));

        // The parent registers; the child's watcher sees it.
        ServiceHandle mine = parent.register("parent-svc", Endpoint.of("tcp://10.9.9.9:1"));
        child.expectLine("event Registered parent-svc " + mine.generation().value(), PROPAGATION);

        // SIGKILL: the child's services must be announced Expired, by their own timeout.
        child.kill();
        long killed = System.nanoTime();
        for (String name : NAMES) {
          ServiceEvent expired = new ServiceEvent.Expired(latest.get(name));
          all.awaitUntil(
              expired + " within " + EXPIRY_WAIT + " of SIGKILL",
              EXPIRY_WAIT.minusNanos(System.nanoTime() - killed),
              events -> events.contains(expired));
        }
        one.awaitEvent(new ServiceEvent.Expired(latest.get("child-b")), Duration.ofSeconds(5));
        long seenAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.println(
            "[figures] SIGKILL to the last Expired at the parent: "
                + seenAfterMs
                + " ms (child liveness timeout "
                + CHILD_LIVENESS.toMillis()
                + " ms)");

        // Exactly once: wait past the bound once more, then compare the whole sequence per name.
        Thread.sleep(2000);
        for (String name : NAMES) {
          List<ServiceEvent> expected = new ArrayList<>();
          expected.add(new ServiceEvent.Registered(registered.get(name)));
          if (name.equals("child-a")) {
            expected.add(new ServiceEvent.Restarted(restarted));
          }
          expected.add(new ServiceEvent.Expired(latest.get(name)));
          assertEquals(expected, all.events(name), "events for " + name);
        }
        assertEquals(
            List.of(new ServiceEvent.Registered(mine)),
            all.events("parent-svc"),
            "the parent's own service stays alive");
        assertEquals(
            List.of(
                new ServiceEvent.Registered(latest.get("child-b")),
                new ServiceEvent.Expired(latest.get("child-b"))),
            one.events());

        // Expired is not Unregistered: the services stay registered, not alive.
        List<ServiceHandle> expectedServices = new ArrayList<>(latest.values());
        expectedServices.add(mine);
        assertEquals(expectedServices, parent.services());
        for (String name : NAMES) {
          assertFalse(parent.liveness(name).alive(), name + " alive after its process died");
        }
        assertTrue(parent.liveness("parent-svc").alive());
      }
    }
  }

  private static String[] args(String connect, String namespace) {
    List<String> args = new ArrayList<>();
    args.add(connect);
    args.add(namespace);
    args.add(Long.toString(CHILD_SESSION.toMillis()));
    args.add(Long.toString(CHILD_LIVENESS.toMillis()));
    args.addAll(NAMES);
    return args.toArray(String[]::new);
  }

  /** The handle the child printed on a line {@code <word> <name> <generation>}. */
  private static ServiceHandle handle(String name, String endpointSuffix, String line) {
    String[] words = line.split(" ", -1);
    return new ServiceHandle(
        name,
        Endpoint.of("child://" + name + endpointSuffix),
        new Generation(Long.parseLong(words[2])));
  }
}
