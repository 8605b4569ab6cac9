package org.opennexus.samgr.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Walks through samgr on whichever backend is on the module path, printing each step in plain
 * words.
 *
 * <p>Run it on the host backend with {@code ./mvnw -q -pl samgr-examples -am -DskipTests package
 * exec:exec}, and on the os stub by adding {@code -Pos}. On the os stub every registry operation is
 * refused with {@link SamgrError.Unsupported}, and the harness prints that outcome. With {@code
 * -Pzookeeper} the {@code zookeeper} backend is the one present, and the harness runs a second
 * walk-through instead ({@code SharedRegistryExample}): two processes sharing one registry.
 */
public final class HarnessExample {

  private final PrintStream out;

  private HarnessExample(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the walk-through.
   *
   * @param args none; {@code child} runs the child process of the shared-registry walk-through
   * @throws Exception if a step fails unexpectedly
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length > 0 && args[0].equals("child")) {
      new SharedRegistryExample(out).runChild();
    } else if (Samgr.environments().equals(List.of("zookeeper"))) {
      new SharedRegistryExample(out).runParent();
    } else {
      new HarnessExample(out).run();
    }
  }

  private void run() throws Exception {
    out.println("samgr backends present: " + Samgr.environments());
    ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    try (ServiceManager samgr =
        Samgr.builder().clock(clock).livenessTimeout(Duration.ofSeconds(5)).open()) {
      out.println("opened the '" + samgr.environment() + "' backend");
      try {
        basics(samgr);
        harnessFeatures(samgr, clock);
      } catch (SamgrError.Unsupported e) {
        out.println(
            "the '"
                + e.environment()
                + "' backend refused '"
                + e.operation()
                + "': "
                + e.getMessage());
        out.println("that is the expected outcome on an OS build: no in-process registry.");
      }
    }
    out.println("closed the registry; done.");
  }

  /** register, resolve, heartbeat, restart, and the stale handle. */
  private void basics(ServiceManager samgr) throws SamgrError {
    ServiceHandle first = samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
    out.println("registered " + describe(first));

    ServiceHandle resolved = samgr.resolve("net");
    out.println("resolved 'net' to " + describe(resolved));

    samgr.heartbeat(first);
    out.println("heartbeat from generation " + first.generation().value() + " accepted");

    ServiceHandle second = samgr.restart("net", Endpoint.of("tcp://127.0.0.1:7001"));
    out.println("restarted 'net': now " + describe(second));

    try {
      samgr.heartbeat(first);
      out.println("UNEXPECTED: the old handle was accepted");
    } catch (SamgrError.StaleHandle e) {
      out.println(
          "heartbeat with the old handle rejected as stale: generation "
              + e.handle().generation().value()
              + " is not the current "
              + e.current().value());
    }

    try {
      samgr.register("net", Endpoint.of("tcp://127.0.0.1:9999"));
    } catch (SamgrError.Duplicate e) {
      out.println("registering 'net' again rejected: " + e.getMessage());
    }
  }

  /** watch, await and liveness, driven by a manual clock. */
  private void harnessFeatures(ServiceManager samgr, ManualClock clock) throws Exception {
    try (Subscription watch =
        samgr.watchAll(
            event ->
                out.println(
                    "  event: "
                        + event.getClass().getSimpleName()
                        + " "
                        + describe(event.handle())))) {
      out.println("watching all services (the watch starts with the current ones)");

      CompletableFuture<ServiceHandle> awaited =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return samgr.await("storage", Duration.ofSeconds(10));
                } catch (SamgrError | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      ServiceHandle storage = samgr.register("storage", Endpoint.of("vmo:42"));
      out.println("another thread awaiting 'storage' got " + describe(awaitedHandle(awaited)));

      clock.advance(Duration.ofSeconds(3));
      samgr.heartbeat(storage);
      clock.advance(Duration.ofSeconds(3));
      Liveness net = samgr.liveness("net");
      Liveness store = samgr.liveness("storage");
      out.println("after 6 s: 'net' alive=" + net.alive() + ", 'storage' alive=" + store.alive());
      List<ServiceHandle> expired = samgr.sweepExpired();
      out.println(
          expired.isEmpty()
              ? "sweep found nothing newly expired: liveness() had already announced 'net'"
              : "sweep found expired: " + describe(expired));

      ServiceHandle current = samgr.resolve("storage");
      samgr.unregister(current);
      out.println("unregistered 'storage'; services now " + describe(samgr.services()));
    }
  }

  private static ServiceHandle awaitedHandle(CompletableFuture<ServiceHandle> awaited)
      throws InterruptedException, ExecutionException, TimeoutException {
    return awaited.get(10, TimeUnit.SECONDS);
  }

  private static String describe(List<ServiceHandle> handles) {
    return handles.stream().map(HarnessExample::describe).toList().toString();
  }

  private static String describe(ServiceHandle handle) {
    return "'"
        + handle.name()
        + "' at "
        + handle.endpoint().address()
        + " (generation "
        + handle.generation().value()
        + ")";
  }
}
