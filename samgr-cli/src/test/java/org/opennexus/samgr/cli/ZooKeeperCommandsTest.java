package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;

/**
 * Every command end to end on the {@code zookeeper} backend, through the CLI's own registry factory
 * ({@code --connect}, {@code --namespace}), against a server started by the same code {@code samgr
 * serve} runs. Each test has its own namespace.
 */
@Timeout(120)
class ZooKeeperCommandsTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final String NL = System.lineSeparator();

  @TempDir static Path data;
  private static EmbeddedZooKeeper server;

  private final Cli cli = new Cli();
  private final String namespace = "cli-test-" + NAMESPACES.incrementAndGet();

  @BeforeAll
  static void startServer() throws Exception {
    server = EmbeddedZooKeeper.start(0, data);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  ZooKeeperCommandsTest() {
    cli.factory = RegistryFactory.zookeeper();
    cli.displayClock = java.time.InstantSource.system();
  }

  @AfterEach
  void close() {
    cli.close();
  }

  /** A command line with this test's registry appended. */
  private Cli.Result samgr(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--connect", server.connectString(), "--namespace", namespace));
    return cli.run(all.toArray(String[]::new));
  }

  /** Another client of the same registry, as a harness process would hold. */
  private ServiceManager harness() {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", server.connectString())
        .setting("zookeeper.namespace", namespace)
        .open();
  }

  private static long generation(Cli.Result result) throws Exception {
    assertEquals(0, result.code(), result.err());
    return ServeCommandTest.number(JSON.std.mapFrom(result.out()), "generation");
  }

  private static String handleJson(String name, String endpoint, long generation) {
    return "{\"name\":\""
        + name
        + "\",\"endpoint\":\""
        + endpoint
        + "\",\"generation\":"
        + generation
        + "}"
        + NL;
  }

  @Test
  void everyCommandInBothOutputModesWithItsErrors() throws Exception {
    Cli.Result registered = samgr("register", "net", "tcp://a", "--json");
    long g1 = generation(registered);
    assertEquals(handleJson("net", "tcp://a", g1), registered.out());
    assertEquals(
        new Cli.Result(
            ExitCodes.DUPLICATE,
            "",
            "samgr register: a service named 'net' is already registered ('samgr restart NAME"
                + " ENDPOINT' replaces it)"
                + NL),
        samgr("register", "net", "tcp://b"));
    assertEquals(
        new Cli.Result(0, "net generation " + g1 + " at tcp://a" + NL, ""),
        samgr("resolve", "net"));

    Cli.Result restarted =
        samgr("restart", "net", "tcp://b", "--if-generation", Long.toString(g1), "--json");
    long g2 = generation(restarted);
    assertTrue(g2 > g1, g2 + " after " + g1);
    assertEquals(handleJson("net", "tcp://b", g2), restarted.out());
    String stale =
        "stale handle for 'net': generation "
            + g1
            + " is not the current generation "
            + g2
            + " ('samgr resolve NAME' shows the current generation)"
            + NL;
    assertEquals(
        new Cli.Result(ExitCodes.STALE_HANDLE, "", "samgr restart: " + stale),
        samgr("restart", "net", "tcp://c", "--if-generation", Long.toString(g1)));
    assertEquals(
        new Cli.Result(ExitCodes.STALE_HANDLE, "", "samgr heartbeat: " + stale),
        samgr("heartbeat", "net", "--generation", Long.toString(g1)));
    assertEquals(
        new Cli.Result(0, "heartbeat net generation " + g2 + " at tcp://b" + NL, ""),
        samgr("heartbeat", "net", "--generation", Long.toString(g2)));
    assertEquals(
        new Cli.Result(0, handleJson("net", "tcp://b", g2), ""),
        samgr("await", "net", "--timeout", "5s", "--json"));
    assertEquals(
        new Cli.Result(
            ExitCodes.NOT_FOUND,
            "",
            "samgr await: no service named 'ghost' was registered within the timeout of PT0.2S"
                + " ('samgr list' shows what is registered)"
                + NL),
        samgr("await", "ghost", "--timeout", "200ms"));

    Cli.Result listed = samgr("list", "--json");
    assertEquals(0, listed.code(), listed.err());
    List<Object> services = JSON.std.listFrom(listed.out());
    assertEquals(1, services.size(), listed.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> net = (Map<String, Object>) services.get(0);
    assertEquals(
        List.of("name", "endpoint", "generation", "alive", "lastHeartbeat"),
        List.copyOf(net.keySet()));
    assertEquals("net", net.get("name"));
    assertEquals("tcp://b", net.get("endpoint"));
    assertEquals(g2, ServeCommandTest.number(net, "generation"));
    Cli.Result table = samgr("list");
    assertEquals(0, table.code(), table.err());
    List<String> lines = table.out().lines().toList();
    assertEquals(2, lines.size(), table.out());
    assertTrue(
        lines.get(0).matches("NAME +ENDPOINT +GENERATION +ALIVE +LAST HEARTBEAT"), lines.get(0));
    assertTrue(
        lines.get(1).matches("net +tcp://b +" + g2 + " +(alive|expired) +(just now|\\d+s ago)"),
        lines.get(1));

    Cli.Result swept = samgr("sweep", "--json");
    assertEquals(0, swept.code(), swept.err());
    assertTrue(
        swept.out().equals("[]" + NL)
            || swept.out().equals("[" + handleJson("net", "tcp://b", g2).trim() + "]" + NL),
        swept.out());

    assertEquals(
        new Cli.Result(ExitCodes.STALE_HANDLE, "", "samgr unregister: " + stale),
        samgr("unregister", "net", "--generation", Long.toString(g1)));
    assertEquals(
        new Cli.Result(0, "unregistered net generation " + g2 + " at tcp://b" + NL, ""),
        samgr("unregister", "net", "--generation", Long.toString(g2)));
    String notFound =
        "no service named 'net' is registered ('samgr list' shows what is registered)" + NL;
    assertEquals(
        new Cli.Result(ExitCodes.NOT_FOUND, "", "samgr resolve: " + notFound),
        samgr("resolve", "net", "--json"));
    assertEquals(
        new Cli.Result(ExitCodes.NOT_FOUND, "", "samgr restart: " + notFound),
        samgr("restart", "net", "tcp://c"));
    assertEquals(new Cli.Result(0, "no services registered" + NL, ""), samgr("list"));
  }

  @Test
  void watchStreamsAnotherClientsChangesAsJsonLines() throws Exception {
    Cli.Running watch;
    List<String> args = new ArrayList<>(List.of("watch", "--json"));
    args.addAll(List.of("--connect", server.connectString(), "--namespace", namespace));
    try (ServiceManager harness = harness()) {
      ServiceHandle db = harness.register("db", Endpoint.of("tcp://db:1"));
      watch = cli.start(args.toArray(String[]::new));
      watch.awaitOutput("\"registered\"");
      ServiceHandle db2 = harness.restart(db, Endpoint.of("tcp://db:2"));
      harness.unregister(db2);
      String out = watch.awaitOutput("\"unregistered\"");
      List<String> kinds = new ArrayList<>();
      for (String line : out.lines().toList()) {
        Map<String, Object> event = JSON.std.mapFrom(line);
        kinds.add(
            event.get("event")
                + " "
                + event.get("name")
                + " "
                + event.get("endpoint")
                + " "
                + event.get("generation"));
      }
      assertEquals(
          List.of(
              "registered db tcp://db:1 " + db.generation().value(),
              "restarted db tcp://db:2 " + db2.generation().value(),
              "unregistered db tcp://db:2 " + db2.generation().value()),
          kinds);
    }
    Cli.Result stopped = watch.stop();
    assertEquals(0, stopped.code(), stopped.err());
    assertEquals("", stopped.err());
  }

  /**
   * {@code list}, {@code resolve}, {@code await} and {@code watch} open the registry read-only:
   * they write nothing to ZooKeeper (no client node, no record changed, not even the expiry of a
   * service that has expired), and they judge a service by the liveness timeout its owner
   * registered it with, not by their own (30 seconds): "net" (ten days, its last heartbeat a day
   * old) is alive, "gone" (one second) is not.
   */
  @Test
  void readOnlyCommandsWriteNothingAndJudgeByTheServicesOwnTimeout() throws Exception {
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
    // Their clocks stand still a day ago, so their owners never announce anything themselves.
    try (ServiceManager owner = harness(dayAgo, Duration.ofDays(10));
        ServiceManager shortLived = harness(dayAgo, Duration.ofSeconds(1))) {
      ServiceHandle net = owner.register("net", Endpoint.of("tcp://a"));
      ServiceHandle gone = shortLived.register("gone", Endpoint.of("tcp://b"));
      ZooKeeper zk = connect();
      try {
        String netRecord = recordPath("net");
        String goneRecord = recordPath("gone");
        Stat netBefore = zk.exists(netRecord, false);
        Stat goneBefore = zk.exists(goneRecord, false);
        assertTrue(netBefore != null && goneBefore != null, netRecord + ", " + goneRecord);
        String netBucket = netRecord.substring(0, netRecord.lastIndexOf('/'));
        String goneBucket = goneRecord.substring(0, goneRecord.lastIndexOf('/'));
        Stat netBucketBefore = zk.exists(netBucket, false);
        Stat goneBucketBefore = zk.exists(goneBucket, false);
        List<String> clients = zk.getChildren("/" + namespace + "/clients", false);
        assertEquals(2, clients.size(), clients::toString);

        Cli.Result listed = samgr("list", "--json");
        assertEquals(0, listed.code(), listed.err());
        List<Object> rows = JSON.std.listFrom(listed.out());
        assertEquals(2, rows.size(), listed.out());
        assertEquals("gone", ((Map<?, ?>) rows.get(0)).get("name"), listed.out());
        assertEquals(false, ((Map<?, ?>) rows.get(0)).get("alive"), listed.out());
        assertEquals("net", ((Map<?, ?>) rows.get(1)).get("name"), listed.out());
        assertEquals(true, ((Map<?, ?>) rows.get(1)).get("alive"), listed.out());
        assertEquals(
            new Cli.Result(0, handleJson("net", "tcp://a", net.generation().value()), ""),
            samgr("resolve", "net", "--json"));
        assertEquals(0, samgr("await", "gone", "--timeout", "5s").code());
        List<String> args = new ArrayList<>(List.of("watch", "--json"));
        args.addAll(List.of("--connect", server.connectString(), "--namespace", namespace));
        Cli.Running watch = cli.start(args.toArray(String[]::new));
        watch.awaitOutput("\"gone\"");
        watch.awaitOutput("\"net\"");
        Thread.sleep(500); // a writing client would have announced "gone" expired by now
        Cli.Result watched = watch.stop();
        assertEquals(0, watched.code(), watched.err());
        assertEquals(2, watched.out().lines().count(), watched.out());
        assertTrue(
            watched.out().contains("\"generation\":" + gone.generation().value()), watched.out());

        assertEquals(netBefore.getMzxid(), zk.exists(netRecord, false).getMzxid());
        assertEquals(goneBefore.getMzxid(), zk.exists(goneRecord, false).getMzxid());
        // Every write also writes its record's bucket node: none did.
        assertEquals(netBucketBefore, zk.exists(netBucket, false));
        assertEquals(goneBucketBefore, zk.exists(goneBucket, false));
        assertEquals(clients, zk.getChildren("/" + namespace + "/clients", false));
      } finally {
        zk.close();
      }
    }
  }

  /**
   * The record node of {@code name} (letters only, so encoded as it is) in this test's namespace,
   * made with the default 1,024 buckets: {@code records/<bucket>/<name>}, the bucket being the
   * FNV-1a hash (32 bits, unsigned) of the node name modulo the count, in three lowercase hex
   * digits.
   */
  private String recordPath(String name) {
    int hash = 0x811c9dc5;
    for (byte b : name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
      hash ^= b & 0xFF;
      hash *= 0x01000193;
    }
    return String.format(
        "/%s/records/%03x/%s", namespace, Integer.remainderUnsigned(hash, 1024), name);
  }

  /** A client of this test's registry whose clock stands at {@code at}. */
  private ServiceManager harness(Instant at, Duration livenessTimeout) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", server.connectString())
        .setting("zookeeper.namespace", namespace)
        .clock(InstantSource.fixed(at))
        .livenessTimeout(livenessTimeout)
        .open();
  }

  /** A plain ZooKeeper client of the test's server, connected. */
  private static ZooKeeper connect() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            server.connectString(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertTrue(connected.await(20, TimeUnit.SECONDS), "not connected");
    return zk;
  }

  @Test
  void namespacesAreSeparateRegistries() throws Exception {
    assertEquals(0, samgr("register", "net", "tcp://a").code());
    assertEquals(
        new Cli.Result(0, "[]" + NL, ""),
        cli.run(
            "list",
            "--json",
            "--connect",
            server.connectString(),
            "--namespace",
            namespace + "-other"));
  }

  @Test
  void aServerThatIsNotThereFailsWithOneLineNamingIt() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    System.setProperty("samgr.zookeeper.operation-timeout", "1s");
    try {
      Cli.Result result = cli.run("list", "--connect", "127.0.0.1:" + port);
      assertEquals(ExitCodes.UNAVAILABLE, result.code(), result::toString);
      assertEquals("", result.out());
      assertEquals(1, result.err().lines().count(), result.err());
      assertTrue(result.err().startsWith("samgr list: "), result.err());
      assertTrue(result.err().contains("127.0.0.1:" + port), result.err());
      assertTrue(result.err().contains("'samgr serve' starts one"), result.err());
    } finally {
      System.clearProperty("samgr.zookeeper.operation-timeout");
    }
  }

  @Test
  void serveWithHttpServesTheDashboardOfItsOwnRegistry() throws Exception {
    Cli.Running serve = cli.start("serve", "--port", "0", "--http", "0", "--json");
    Map<String, Object> line = ServeCommandTest.startupLine(serve.awaitOutput("dashboard"));
    String url = ServeCommandTest.text(line, "dashboard");
    assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/"), url);
    java.net.http.HttpResponse<String> page =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofSeconds(20))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertEquals(0, serve.stop().code());
  }
}
