package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;

/**
 * {@code watch} and {@code await} say on standard error when their client loses the ZooKeeper
 * server and when it has it again, instead of waiting in silence; what changed meanwhile follows.
 */
@Timeout(120)
class ConnectionNoticesTest {

  private static final String NL = System.lineSeparator();

  private final Path data;

  private final Cli cli = new Cli();
  private EmbeddedZooKeeper server;

  /** Counted down when a command has opened its (read-only) registry. */
  private final CountDownLatch opened = new CountDownLatch(1);

  ConnectionNoticesTest(@TempDir Path data) throws java.io.IOException {
    this.data = data;
    this.server = EmbeddedZooKeeper.start(0, data);
    RegistryFactory zookeeper = RegistryFactory.zookeeper();
    cli.factory =
        new RegistryFactory() {
          @Override
          public ServiceManager open(@Nullable String connect, @Nullable String namespace) {
            return zookeeper.open(connect, namespace);
          }

          @Override
          public ServiceManager openReadOnly(@Nullable String connect, @Nullable String namespace) {
            ServiceManager registry = zookeeper.openReadOnly(connect, namespace);
            opened.countDown();
            return registry;
          }
        };
    cli.displayClock = java.time.InstantSource.system();
  }

  @AfterEach
  void close() {
    cli.close();
    server.close();
  }

  private ServiceManager harness() {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", server.connectString())
        .setting("zookeeper.session-timeout", "60s")
        .open();
  }

  /** Stops the server, waits for the notice, starts it again on its port and data. */
  private void outage(Cli.Running command, String name) throws Exception {
    int port = server.port();
    server.close();
    command.awaitErrors(
        "samgr "
            + name
            + ": lost the connection to the registry; waiting for it to come back (what changed"
            + " meanwhile follows then)");
    server = EmbeddedZooKeeper.start(port, data);
    command.awaitErrors("samgr " + name + ": connected to the registry again");
  }

  @Test
  void watchSaysWhenItLosesTheServerAndWhenItIsBack() throws Exception {
    try (ServiceManager harness = harness()) {
      harness.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
      Cli.Running watch = cli.start("watch", "--connect", server.connectString());
      watch.awaitOutput(" net generation ");
      outage(watch, "watch");
      harness.register("disk", Endpoint.of("tcp://127.0.0.1:7001")); // after its reconnection
      watch.awaitOutput(" disk generation ");
      Cli.Result result = watch.stop();
      assertEquals(0, result.code(), result.err());
      assertEquals(
          List.of(
              "samgr watch: lost the connection to the registry; waiting for it to come back"
                  + " (what changed meanwhile follows then)",
              "samgr watch: connected to the registry again"),
          result.err().lines().toList());
    }
  }

  @Test
  void awaitSaysWhenItLosesTheServerAndStillAnswersAfter() throws Exception {
    Cli.Running await =
        cli.start("await", "net", "--timeout", "90s", "--connect", server.connectString());
    opened.await();
    outage(await, "await");
    try (ServiceManager harness = harness()) {
      harness.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
      await.awaitOutput("net generation ");
      Cli.Result result = await.stop();
      assertEquals(0, result.code(), result.err());
      assertEquals(
          "samgr await: connected to the registry again" + NL,
          result.err().substring(result.err().indexOf(NL) + NL.length()));
      assertEquals(true, result.out().startsWith("net generation "), result.out());
    }
  }
}
