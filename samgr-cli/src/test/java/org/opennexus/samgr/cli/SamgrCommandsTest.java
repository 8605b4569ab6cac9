package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;

/** Every registry command in-process against a host registry: output, exit codes, errors. */
@Timeout(60)
class SamgrCommandsTest {

  private static final String NET = "tcp://127.0.0.1:7000";
  private static final String STORAGE = "tcp://127.0.0.1:7001";

  private final Cli cli = new Cli();

  @AfterEach
  void close() {
    cli.close();
  }

  private ServiceHandle register(String name, String endpoint) throws SamgrError {
    return cli.registry.register(name, Endpoint.of(endpoint));
  }

  private static void assertOk(Cli.Result result, String out) {
    assertEquals(new Cli.Result(0, out, ""), result);
  }

  private static void assertFails(Cli.Result result, int code, String err) {
    assertEquals(new Cli.Result(code, "", err), result);
  }

  @Test
  void listPrintsAnAlignedTableWithRelativeTimes() throws Exception {
    register("net", NET);
    cli.clock.advance(Duration.ofSeconds(10));
    register("storage-primary", STORAGE);
    cli.clock.advance(Duration.ofSeconds(25));

    assertOk(
        cli.run("list"),
        String.join(
            System.lineSeparator(),
            "NAME             ENDPOINT              GENERATION  ALIVE    LAST HEARTBEAT",
            "net              tcp://127.0.0.1:7000  1           expired  35s ago",
            "storage-primary  tcp://127.0.0.1:7001  2           alive    25s ago",
            ""));
  }

  @Test
  void listJsonIsAnArrayOfServicesWithLiveness() throws Exception {
    register("net", NET);
    cli.clock.advance(Duration.ofSeconds(31));
    register("storage", STORAGE);

    assertOk(
        cli.run("list", "--json"),
        "[{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":1,"
            + "\"alive\":false,\"lastHeartbeat\":\"2026-11-27T12:00:00Z\"},"
            + "{\"name\":\"storage\",\"endpoint\":\"tcp://127.0.0.1:7001\",\"generation\":2,"
            + "\"alive\":true,\"lastHeartbeat\":\"2026-11-27T12:00:31Z\"}]"
            + System.lineSeparator());
  }

  @Test
  void listOfAnEmptyRegistry() {
    assertOk(cli.run("list"), "no services registered" + System.lineSeparator());
    assertOk(cli.run("list", "--json"), "[]" + System.lineSeparator());
  }

  @Test
  void jsonEscapesWhatTheRegistryHolds() throws Exception {
    register("quote\"back\\slash</script>", "tcp://x/ü");

    assertOk(
        cli.run("resolve", "quote\"back\\slash</script>", "--json"),
        "{\"name\":\"quote\\\"back\\\\slash</script>\",\"endpoint\":\"tcp://x/ü\","
            + "\"generation\":1}"
            + System.lineSeparator());
  }

  @Test
  void resolvePrintsTheCurrentHandle() throws Exception {
    register("net", NET);
    cli.registry.restart("net", Endpoint.of(STORAGE));

    assertOk(
        cli.run("resolve", "net"),
        "net generation 2 at tcp://127.0.0.1:7001" + System.lineSeparator());
    assertOk(
        cli.run("resolve", "--json", "net"),
        "{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7001\",\"generation\":2}"
            + System.lineSeparator());
  }

  @Test
  void resolveOfAMissingNameExitsNotFound() {
    String err =
        "samgr resolve: no service named 'ghost' is registered ('samgr list' shows what is"
            + " registered)"
            + System.lineSeparator();
    assertFails(cli.run("resolve", "ghost"), ExitCodes.NOT_FOUND, err);
    assertFails(cli.run("resolve", "ghost", "--json"), ExitCodes.NOT_FOUND, err);
  }

  @Test
  void registerPrintsTheNewHandle() throws Exception {
    assertOk(
        cli.run("register", "net", NET),
        "registered net generation 1 at tcp://127.0.0.1:7000" + System.lineSeparator());
    assertOk(
        cli.run("register", "--json", "storage", STORAGE),
        "{\"name\":\"storage\",\"endpoint\":\"tcp://127.0.0.1:7001\",\"generation\":2}"
            + System.lineSeparator());
    assertEquals(
        List.of(
            new ServiceHandle("net", Endpoint.of(NET), new Generation(1)),
            new ServiceHandle("storage", Endpoint.of(STORAGE), new Generation(2))),
        cli.registry.services());
  }

  @Test
  void registerOfATakenNameExitsDuplicateAndChangesNothing() throws Exception {
    ServiceHandle net = register("net", NET);

    assertFails(
        cli.run("register", "net", STORAGE),
        ExitCodes.DUPLICATE,
        "samgr register: a service named 'net' is already registered ('samgr restart NAME"
            + " ENDPOINT' replaces it)"
            + System.lineSeparator());
    assertEquals(net, cli.registry.resolve("net"));
  }

  @Test
  void restartGivesANewGeneration() throws Exception {
    register("net", NET);

    assertOk(
        cli.run("restart", "net", STORAGE),
        "restarted net generation 2 at tcp://127.0.0.1:7001" + System.lineSeparator());
    assertOk(
        cli.run("restart", "net", NET, "--if-generation", "2", "--json"),
        "{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":3}"
            + System.lineSeparator());
  }

  @Test
  void fencedRestartWithAnOldGenerationExitsStaleAndChangesNothing() throws Exception {
    register("net", NET);
    ServiceHandle current = cli.registry.restart("net", Endpoint.of(NET));

    assertFails(
        cli.run("restart", "net", STORAGE, "--if-generation", "1"),
        ExitCodes.STALE_HANDLE,
        "samgr restart: stale handle for 'net': generation 1 is not the current generation 2"
            + " ('samgr resolve NAME' shows the current generation)"
            + System.lineSeparator());
    assertEquals(current, cli.registry.resolve("net"));
  }

  @Test
  void restartOfAMissingNameExitsNotFound() {
    String err =
        "samgr restart: no service named 'ghost' is registered ('samgr list' shows what is"
            + " registered)"
            + System.lineSeparator();
    assertFails(cli.run("restart", "ghost", NET), ExitCodes.NOT_FOUND, err);
    assertFails(cli.run("restart", "ghost", NET, "--if-generation", "1"), ExitCodes.NOT_FOUND, err);
  }

  @Test
  void unregisterRemovesTheCurrentGenerationOnly() throws Exception {
    register("net", NET);
    cli.registry.restart("net", Endpoint.of(NET));

    assertFails(
        cli.run("unregister", "net", "--generation", "1"),
        ExitCodes.STALE_HANDLE,
        "samgr unregister: stale handle for 'net': generation 1 is not the current generation 2"
            + " ('samgr resolve NAME' shows the current generation)"
            + System.lineSeparator());
    assertTrue(cli.registry.find("net").isPresent());

    assertOk(
        cli.run("unregister", "net", "-g", "2", "--json"),
        "{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":2}"
            + System.lineSeparator());
    assertEquals(List.of(), cli.registry.services());
    assertFails(
        cli.run("unregister", "net", "--generation", "2"),
        ExitCodes.NOT_FOUND,
        "samgr unregister: no service named 'net' is registered ('samgr list' shows what is"
            + " registered)"
            + System.lineSeparator());
  }

  @Test
  void unregisterHumanOutput() throws Exception {
    register("net", NET);
    assertOk(
        cli.run("unregister", "net", "--generation", "1"),
        "unregistered net generation 1 at tcp://127.0.0.1:7000" + System.lineSeparator());
  }

  @Test
  void heartbeatRevivesTheCurrentGeneration() throws Exception {
    register("net", NET);
    cli.clock.advance(Duration.ofSeconds(31));
    assertEquals(false, cli.registry.liveness("net").alive());

    assertOk(
        cli.run("heartbeat", "net", "--generation", "1"),
        "heartbeat net generation 1 at tcp://127.0.0.1:7000" + System.lineSeparator());
    assertEquals(true, cli.registry.liveness("net").alive());
    assertEquals(cli.clock.instant(), cli.registry.liveness("net").lastHeartbeat());

    assertOk(
        cli.run("heartbeat", "net", "--generation", "1", "--json"),
        "{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":1}"
            + System.lineSeparator());
  }

  @Test
  void heartbeatOfAnOldGenerationExitsStaleAndDoesNotRefresh() throws Exception {
    register("net", NET);
    cli.registry.restart("net", Endpoint.of(NET));
    cli.clock.advance(Duration.ofSeconds(31));

    assertFails(
        cli.run("heartbeat", "net", "--generation", "1"),
        ExitCodes.STALE_HANDLE,
        "samgr heartbeat: stale handle for 'net': generation 1 is not the current generation 2"
            + " ('samgr resolve NAME' shows the current generation)"
            + System.lineSeparator());
    assertEquals(false, cli.registry.liveness("net").alive());
    assertFails(
        cli.run("heartbeat", "ghost", "--generation", "1"),
        ExitCodes.NOT_FOUND,
        "samgr heartbeat: no service named 'ghost' is registered ('samgr list' shows what is"
            + " registered)"
            + System.lineSeparator());
  }

  @Test
  void awaitReturnsAtOnceForARegisteredName() throws Exception {
    register("net", NET);
    assertOk(
        cli.run("await", "net", "--timeout", "0s"),
        "net generation 1 at tcp://127.0.0.1:7000" + System.lineSeparator());
  }

  @Test
  void awaitWaitsForARegistration() throws Exception {
    Cli.Running waiting = cli.start("await", "net", "--timeout", "30s", "--json");
    // the await subscribes before it waits; a registration from now on must wake it
    Thread.sleep(100);
    register("net", NET);
    assertEquals(
        new Cli.Result(
            0,
            "{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":1}"
                + System.lineSeparator(),
            ""),
        waiting.stop());
  }

  @Test
  void awaitExitsNotFoundWhenTheTimeoutPasses() {
    assertFails(
        cli.run("await", "net", "--timeout", "50ms"),
        ExitCodes.NOT_FOUND,
        "samgr await: no service named 'net' was registered within the timeout of PT0.05S"
            + " ('samgr list' shows what is registered)"
            + System.lineSeparator());
  }

  @Test
  void sweepAnnouncesExpiredServices() throws Exception {
    assertOk(cli.run("sweep"), "no service expired" + System.lineSeparator());
    register("net", NET);
    register("storage", STORAGE);
    cli.clock.advance(Duration.ofSeconds(31));

    assertOk(
        cli.run("sweep"),
        String.join(
            System.lineSeparator(),
            "expired net generation 1 at tcp://127.0.0.1:7000",
            "expired storage generation 2 at tcp://127.0.0.1:7001",
            ""));
    assertOk(cli.run("sweep", "--json"), "[]" + System.lineSeparator());
  }

  @Test
  void sweepJson() throws Exception {
    register("net", NET);
    cli.clock.advance(Duration.ofSeconds(31));
    assertOk(
        cli.run("sweep", "--json"),
        "[{\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\",\"generation\":1}]"
            + System.lineSeparator());
  }

  @Test
  void watchStreamsEveryEventUntilStopped() throws Exception {
    register("net", NET);
    Cli.Running watch = cli.start("watch");
    watch.awaitOutput("registered");
    cli.registry.restart("net", Endpoint.of(STORAGE));
    register("storage", STORAGE);
    cli.clock.advance(Duration.ofSeconds(31));
    cli.registry.sweepExpired();
    cli.registry.unregister(cli.registry.resolve("storage"));
    watch.awaitOutput("unregistered");

    assertEquals(
        new Cli.Result(
            0,
            String.join(
                System.lineSeparator(),
                "2026-11-27T12:00:00Z  registered   net generation 1 at tcp://127.0.0.1:7000",
                "2026-11-27T12:00:00Z  restarted    net generation 2 at tcp://127.0.0.1:7001",
                "2026-11-27T12:00:00Z  registered   storage generation 3 at tcp://127.0.0.1:7001",
                "2026-11-27T12:00:31Z  expired      net generation 2 at tcp://127.0.0.1:7001",
                "2026-11-27T12:00:31Z  expired      storage generation 3 at tcp://127.0.0.1:7001",
                "2026-11-27T12:00:31Z  unregistered storage generation 3 at tcp://127.0.0.1:7001",
                ""),
            ""),
        watch.stop());
    assertEquals(1, cli.view.closes.get());
  }

  /**
   * {@code samgr watch --json | head -1}: once whatever reads the output has gone, the next event
   * fails to print and watch ends, exit 0, closing its subscription (without a Ctrl-C).
   */
  @Test
  void watchEndsWhenItsOutputIsClosed() throws Exception {
    register("net", NET);
    StringBuilder read = new StringBuilder();
    Writer readerLeavesAfterOneLine =
        new Writer() {
          private boolean gone;

          @Override
          public void write(char[] chars, int offset, int length) throws IOException {
            if (gone) {
              throw new IOException("Broken pipe");
            }
            read.append(chars, offset, length);
          }

          @Override
          public void flush() {
            gone = read.length() > 0;
          }

          @Override
          public void close() {}
        };
    CompletableFuture<Integer> watch =
        cli.startWritingTo(readerLeavesAfterOneLine, "watch", "--json");
    awaitSubscriptions(1);
    cli.registry.restart("net", Endpoint.of(STORAGE)); // fails to print: watch ends
    assertEquals(0, watch.get(30, TimeUnit.SECONDS));
    assertEquals(
        "{\"event\":\"registered\",\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\","
            + "\"generation\":1,\"at\":\"2026-11-27T12:00:00Z\"}"
            + System.lineSeparator(),
        read.toString());
    assertEquals(1, cli.view.closes.get());
    assertEquals(1, cli.stop.getCount(), "ended by its output, not by a stop");
  }

  @Test
  void watchOfOneNameWritesOneJsonObjectPerLine() throws Exception {
    Cli.Running watch = cli.start("watch", "net", "--json");
    // a watch that has started sees the next registration; wait until it has subscribed
    awaitSubscriptions(1);
    register("other", STORAGE);
    register("net", NET);
    cli.registry.restart("net", Endpoint.of(STORAGE));
    watch.awaitOutput("restarted");

    assertEquals(
        new Cli.Result(
            0,
            "{\"event\":\"registered\",\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7000\","
                + "\"generation\":2,\"at\":\"2026-11-27T12:00:00Z\"}"
                + System.lineSeparator()
                + "{\"event\":\"restarted\",\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7001\","
                + "\"generation\":3,\"at\":\"2026-11-27T12:00:00Z\"}"
                + System.lineSeparator(),
            ""),
        watch.stop());
  }

  private void awaitSubscriptions(int count) throws InterruptedException {
    String expected = "subscriptions: " + count + ")";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!cli.registry.toString().contains(expected)) {
      assertTrue(System.nanoTime() < deadline, "no subscription: " + cli.registry);
      Thread.sleep(10);
    }
  }

  @Test
  void connectAndNamespaceReachTheFactory() {
    cli.run("list");
    cli.run("list", "--connect", "10.0.0.1:2181", "--namespace", "ci");
    cli.run("list", "-c", "embedded", "-n", "x");
    assertEquals(
        List.of(
            Arrays.asList(null, null),
            Arrays.asList("10.0.0.1:2181", "ci"),
            Arrays.asList("embedded", "x")),
        cli.opened);
    assertEquals(3, cli.view.closes.get());
  }

  @Test
  void aRegistryThatCannotOpenExitsOneWithItsMessage() {
    cli.factory =
        (connect, namespace) -> {
          throw new IllegalStateException("no samgr backend has the environment 'zookeeper'");
        };
    assertFails(
        cli.run("list"),
        ExitCodes.FAILURE,
        "samgr list: no samgr backend has the environment 'zookeeper' (check --connect or"
            + " SAMGR_ZOOKEEPER_CONNECT; 'samgr serve' starts one)"
            + System.lineSeparator());
  }

  @Test
  void aBadSettingExitsUsage() {
    cli.factory =
        (connect, namespace) -> {
          throw new IllegalArgumentException(
              "setting 'zookeeper.session-timeout' from environment variable"
                  + " SAMGR_ZOOKEEPER_SESSION_TIMEOUT: 'soon' is not a duration");
        };
    assertFails(
        cli.run("list"),
        ExitCodes.USAGE,
        "samgr list: setting 'zookeeper.session-timeout' from environment variable"
            + " SAMGR_ZOOKEEPER_SESSION_TIMEOUT: 'soon' is not a duration"
            + System.lineSeparator());
  }

  @Test
  void unavailableDeniedAndUnsupportedHaveTheirOwnExitCodes() {
    failWith(new SamgrError.Unavailable("resolve", "zookeeper"));
    assertFails(
        cli.run("resolve", "net"),
        ExitCodes.UNAVAILABLE,
        "samgr resolve: operation 'resolve' could not reach the engine of the 'zookeeper' samgr"
            + " backend within its timeout; whether a change took effect is unknown (resolve to"
            + " find out) (is the server running? 'samgr serve' starts one; check --connect or"
            + " SAMGR_ZOOKEEPER_CONNECT)"
            + System.lineSeparator());

    failWith(new SamgrError.Denied("resolve", "zookeeper"));
    assertFails(
        cli.run("resolve", "net"),
        ExitCodes.DENIED,
        "samgr resolve: operation 'resolve' was denied by the engine of the 'zookeeper' samgr"
            + " backend to these credentials (set SAMGR_ZOOKEEPER_AUTH to credentials the"
            + " registry accepts)"
            + System.lineSeparator());

    failWith(new SamgrError.Unsupported("resolve", "os"));
    assertFails(
        cli.run("resolve", "net"),
        ExitCodes.UNSUPPORTED,
        "samgr resolve: operation 'resolve' is not supported by the 'os' samgr backend"
            + System.lineSeparator());
  }

  private void failWith(SamgrError error) {
    cli.factory = (connect, namespace) -> new Failing(cli.registry, error);
  }

  /** A registry whose resolve fails with a given error. */
  private static final class Failing extends Delegating {
    private final SamgrError error;

    Failing(org.opennexus.samgr.ServiceManager registry, SamgrError error) {
      super(registry);
      this.error = error;
    }

    @Override
    public ServiceHandle resolve(String name) throws SamgrError {
      throw error;
    }
  }

  @Test
  void exitCodesAreDistinct() {
    List<Integer> codes =
        List.of(
            ExitCodes.OK,
            ExitCodes.FAILURE,
            ExitCodes.USAGE,
            ExitCodes.NOT_FOUND,
            ExitCodes.DUPLICATE,
            ExitCodes.STALE_HANDLE,
            ExitCodes.UNAVAILABLE,
            ExitCodes.DENIED,
            ExitCodes.UNSUPPORTED);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), codes);
  }

  @Test
  void watchersOfTheRegistrySeeWhatCommandsDo() throws Exception {
    List<ServiceEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Subscription ignored = cli.registry.watchAll(seen::add)) {
      cli.run("register", "net", NET);
      cli.run("restart", "net", STORAGE, "--if-generation", "1");
      cli.run("unregister", "net", "--generation", "2");
    }
    ServiceHandle first = new ServiceHandle("net", Endpoint.of(NET), new Generation(1));
    ServiceHandle second = new ServiceHandle("net", Endpoint.of(STORAGE), new Generation(2));
    assertEquals(
        List.of(
            new ServiceEvent.Registered(first),
            new ServiceEvent.Restarted(second),
            new ServiceEvent.Unregistered(second)),
        seen);
  }
}
