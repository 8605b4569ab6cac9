package org.opennexus.samgr.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The second walk-through of {@link HarnessExample}: two processes share one registry through the
 * {@code zookeeper} backend. This process (the parent) opens the registry with {@code
 * zookeeper.connect=embedded}, which starts an in-process ZooKeeper server, and starts a child
 * process (this same program with the argument {@code child}) that joins the same registry through
 * that server's connect string. The child registers a service and heartbeats it; the parent sees
 * {@code Registered}; the child restarts it; the parent sees {@code Restarted}; the parent kills
 * the child with SIGKILL; once the service's liveness timeout (2 s, the child's) has passed since
 * its last heartbeat, the parent sees {@code Expired}. Each step is printed in plain words.
 *
 * <p>To share a ZooKeeper ensemble of your own instead, set {@code samgr.zookeeper.connect} (or
 * {@code SAMGR_ZOOKEEPER_CONNECT}) to its connect string, such as {@code localhost:2181}.
 */
final class SharedRegistryExample {

  /**
   * The child's liveness timeout, which its service keeps: short, so that the example sees the dead
   * child's service expire within seconds (the child heartbeats every 500 ms).
   */
  private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  private static final String NAME = "storage";

  private final PrintStream out;

  SharedRegistryExample(PrintStream out) {
    this.out = out;
  }

  /** The parent's side. */
  void runParent() throws Exception {
    BlockingQueue<ServiceEvent> events = new LinkedBlockingQueue<>();
    try (ServiceManager samgr = Samgr.builder().environment("zookeeper").open();
        Subscription watch = samgr.watch(NAME, events::add)) {
      String connect = actualConnectString();
      out.println("parent: opened the 'zookeeper' registry; its ZooKeeper server is at " + connect);
      out.println(
          "parent: watching '"
              + NAME
              + "' and starting a child process that joins the"
              + " same registry");
      Process child = startChild(connect);
      try {
        Child lines = new Child(child);
        out.println(lines.expect("child: registered"));
        out.println("parent sees: " + describe(next(events, ServiceEvent.Registered.class)));

        lines.send("restart");
        out.println(lines.expect("child: restarted"));
        ServiceEvent restarted = next(events, ServiceEvent.Restarted.class);
        out.println("parent sees: " + describe(restarted));

        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        out.println(
            "parent: killed the child with SIGKILL; it cannot unregister or say goodbye."
                + " Its service expires once its liveness timeout ("
                + LIVENESS_TIMEOUT.toSeconds()
                + " s) has passed since its last heartbeat");
        ServiceEvent expired = next(events, ServiceEvent.Expired.class);
        out.printf(
            "parent sees: %s, %.1f s after the kill%n",
            describe(expired), (System.nanoTime() - killed) / 1e9);
        out.println(
            "parent: '"
                + NAME
                + "' stays registered as "
                + samgr.resolve(NAME).endpoint().address()
                + " (generation "
                + samgr.resolve(NAME).generation().value()
                + ") but is not alive: liveness alive="
                + samgr.liveness(NAME).alive());
      } finally {
        child.destroyForcibly();
      }
    }
    out.println(
        System.getProperty("samgr.zookeeper.connect", "").equals("embedded")
            ? "parent: closed the registry (the embedded server stops with it); done."
            : "parent: closed the registry (the server keeps running); done.");
  }

  /** The child's side: registers, heartbeats, restarts on request, runs until killed. */
  void runChild() throws Exception {
    try (ServiceManager samgr =
        Samgr.builder().environment("zookeeper").livenessTimeout(LIVENESS_TIMEOUT).open()) {
      Map<String, ServiceHandle> current = new ConcurrentHashMap<>();
      ServiceHandle first = samgr.register(NAME, Endpoint.of("tcp://127.0.0.1:7100"));
      current.put(NAME, first);
      out.println("child: registered " + describe(first) + " and heartbeats it every 500 ms");
      Thread beats = new Thread(() -> heartbeat(samgr, current), "heartbeats");
      beats.setDaemon(true);
      beats.start();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("restart")) {
          ServiceHandle next = samgr.restart(NAME, Endpoint.of("tcp://127.0.0.1:7101"));
          current.put(NAME, next);
          out.println("child: restarted " + describe(next));
        }
      }
    }
  }

  private static void heartbeat(ServiceManager samgr, Map<String, ServiceHandle> current) {
    while (true) {
      for (ServiceHandle handle : current.values()) {
        try {
          samgr.heartbeat(handle);
        } catch (SamgrError e) {
          // a restart replaced the handle meanwhile: the next round uses the new one
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * The connect string the child must use: with {@code embedded}, the address of the server this
   * JVM started (published as the system property {@code samgr.zookeeper.embedded.connect});
   * otherwise the configured ensemble itself.
   */
  private static String actualConnectString() {
    String configured = System.getProperty("samgr.zookeeper.connect", "");
    if (!configured.equals("embedded")) {
      return configured;
    }
    String embedded = System.getProperty("samgr.zookeeper.embedded.connect");
    if (embedded == null) {
      throw new IllegalStateException(
          "the embedded ZooKeeper server did not publish samgr.zookeeper.embedded.connect");
    }
    return embedded;
  }

  /** Starts this program again as the child, with this JVM's module path and class path. */
  private static Process startChild(String connect) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dsamgr.zookeeper.connect=" + connect);
    Optional.ofNullable(System.getProperty("samgr.zookeeper.namespace"))
        .ifPresent(namespace -> command.add("-Dsamgr.zookeeper.namespace=" + namespace));
    String modulePath = System.getProperty("jdk.module.path");
    if (modulePath != null) {
      command.addAll(List.of("--module-path", modulePath));
    }
    command.addAll(List.of("--class-path", System.getProperty("java.class.path")));
    Module module = SharedRegistryExample.class.getModule();
    String main = HarnessExample.class.getName();
    if (module.isNamed()) {
      command.addAll(List.of("--module", module.getName() + "/" + main));
    } else {
      command.add(main);
    }
    command.add("child");
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static ServiceEvent next(
      BlockingQueue<ServiceEvent> events, Class<? extends ServiceEvent> type)
      throws InterruptedException {
    ServiceEvent event = events.poll(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (event == null || !type.isInstance(event)) {
      throw new IllegalStateException(
          "expected a "
              + type.getSimpleName()
              + " event within "
              + STEP_TIMEOUT
              + ", got "
              + event);
    }
    return event;
  }

  private static String describe(ServiceEvent event) {
    return event.getClass().getSimpleName() + " " + describe(event.handle());
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

  /** The child's standard output, read line by line, and its standard input. */
  private final class Child {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintWriter commands;

    Child(Process process) {
      commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  out.println("parent: reading the child's output failed: " + e);
                }
              },
              "child-output");
      reader.setDaemon(true);
      reader.start();
    }

    String expect(String prefix) throws InterruptedException {
      while (true) {
        String line = lines.poll(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (line == null) {
          throw new IllegalStateException(
              "the child printed no line starting with '" + prefix + "' within " + STEP_TIMEOUT);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
        out.println(line);
      }
    }

    void send(String command) {
      commands.println(command);
    }
  }
}
