package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
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
 * A record whose bytes a client cannot read (garbage written by a raw ZooKeeper client, or a record
 * cut short) fails every operation on its name fast, with the same {@code Unavailable} on every
 * client naming the node, why it is unreadable and the remedy; other names are not held up; it is
 * logged once per version; and a {@code register} of the name repairs it.
 *
 * <p>Each client waits up to 60 s for the ensemble ({@code zookeeper.operation-timeout}), and each
 * test gets 20 s: an operation that retried until its timeout (as before this was fixed, about
 * 40,000 requests in 12 s) fails the test.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UnreadableRecordTest extends OneServer {

  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  /** Garbage: a format byte no samgr writes, then a few bytes. */
  private static final byte[] GARBAGE = {7, 1, 2, 3};

  /** Why {@link #GARBAGE} is unreadable. */
  private static final String UNKNOWN_FORMAT =
      "unknown format byte 7 (written by a newer samgr, or not by samgr)";

  /** ZooKeeper's {@code world:anyone}, with every permission. */
  private static final List<ACL> OPEN =
      java.util.Collections.unmodifiableList(
          Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("world", "anyone"))));

  @Test
  void everyOperationOnTheNameFailsFastNamingTheNodeAndChangesNothing() throws Exception {
    String ns = Zk.freshNamespace("unreadable");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("tcp://10.8.0.1:1"));
      EventLog log = new EventLog("alice's watch");
      try (Subscription s = alice.watch("svc", log)) {
        log.awaitEvent(new ServiceEvent.Registered(h), PROPAGATION);
        Stat written = raw.setData(path, GARBAGE, -1);
        // A name that was registered and became unreadable is, for a watcher, unregistered.
        log.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);
        assertEquals(
            List.of(new ServiceEvent.Registered(h), new ServiceEvent.Unregistered(h)),
            log.events());
        String reason = reason("svc", path, written.getVersion(), UNKNOWN_FORMAT);

        long before = requestsReceived();
        assertUnreadable("resolve", reason, () -> alice.resolve("svc"));
        // No service to use, as services() says: find answers empty, resolve says why.
        assertEquals(Optional.empty(), alice.find("svc"));
        assertUnreadable("liveness", reason, () -> alice.liveness("svc"));
        assertUnreadable("await", reason, () -> alice.await("svc", Duration.ofSeconds(5)));
        assertUnreadable("heartbeat", reason, () -> alice.heartbeat(h));
        assertUnreadable("restart", reason, () -> alice.restart("svc", Endpoint.of("tcp://b:1")));
        assertUnreadable("restart", reason, () -> alice.restart(h, Endpoint.of("tcp://b:1")));
        assertUnreadable("unregister", reason, () -> alice.unregister(h));
        long requests = requestsReceived() - before;
        // Reads answer from the view; each change reads the record once to confirm it. Before the
        // fix a change retried its compare-and-set for the whole operation timeout.
        assertTrue(requests < 40, "requests the server received meanwhile: " + requests);

        assertEquals(List.of(), alice.services()); // an unreadable record is not a service
        assertEquals(written.getVersion(), raw.exists(path, false).getVersion()); // unchanged
        assertEquals(
            List.of(new ServiceEvent.Registered(h), new ServiceEvent.Unregistered(h)),
            log.events());
      }
    }
  }

  @Test
  void aWellFormedRecordWhoseGenerationGoesBackwardsIsUnreadableToo() throws Exception {
    String ns = Zk.freshNamespace("backwards");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns)) {
      String endpoint = "tcp://10.8.0.2:1";
      ServiceHandle h = alice.register("svc", Endpoint.of(endpoint));
      EventLog log = new EventLog("alice's watch");
      try (Subscription s = alice.watch("svc", log)) {
        log.awaitEvent(new ServiceEvent.Registered(h), PROPAGATION);
        // Parses and looks like samgr's, but its epoch start is moved up by a billion: the
        // generation this version carries lies below the one before it.
        byte[] bytes = raw.getData(path, false, null);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int epochAt = 2 + 10 * 8 + 2 + endpoint.length();
        long epochBase = buf.getLong(epochAt);
        long epochStart = buf.getLong(epochAt + 8) + 1_000_000_000L;
        buf.putLong(epochAt + 8, epochStart);
        Stat written = raw.setData(path, bytes, -1);
        log.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);
        long stamp = epochBase + (written.getMzxid() - epochStart);
        String reason =
            reason(
                "svc",
                path,
                written.getVersion(),
                "its generation fields go backwards (version "
                    + written.getVersion()
                    + " stamps "
                    + stamp
                    + ", not above an earlier version's stamp): not written by samgr");
        long before = requestsReceived();
        assertUnreadable("resolve", reason, () -> alice.resolve("svc"));
        assertUnreadable("heartbeat", reason, () -> alice.heartbeat(h));
        assertUnreadable("restart", reason, () -> alice.restart(h, Endpoint.of("tcp://b:1")));
        assertUnreadable("unregister", reason, () -> alice.unregister(h));
        long requests = requestsReceived() - before;
        // Before, the writer kept the older version as current and retried its compare-and-set
        // for the whole operation timeout.
        assertTrue(requests < 40, "requests the server received meanwhile: " + requests);
        ServiceHandle repaired = alice.register("svc", Endpoint.of("tcp://c:1"));
        assertTrue(repaired.generation().value() > h.generation().value(), repaired.toString());
        log.awaitEvent(new ServiceEvent.Registered(repaired), PROPAGATION);
      }
    }
  }

  @Test
  void aTruncatedRecordSaysSoOnEveryClientAndTheOthersAgree() throws Exception {
    String ns = Zk.freshNamespace("truncated");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns);
        ServiceManager bob = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("tcp://10.8.0.2:1"));
      EventLog bobs = new EventLog("bob's watchAll");
      try (Subscription s = bob.watchAll(bobs)) {
        bobs.awaitEvent(new ServiceEvent.Registered(h), PROPAGATION);
        byte[] whole = raw.getData(path, false, null);
        Stat written = raw.setData(path, Arrays.copyOf(whole, whole.length - 5), -1);
        bobs.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);
        String reason =
            reason(
                "svc",
                path,
                written.getVersion(),
                "truncated: a record of format "
                    + whole[0]
                    + " cut off after "
                    + (whole.length - 5)
                    + " bytes");
        try (ServiceManager carol = open(ns)) { // opened after: reads it at open
          for (ServiceManager client : List.of(alice, bob, carol)) {
            awaitUnreadable(client, "svc");
            assertUnreadable("resolve", reason, () -> client.resolve("svc"));
            assertUnreadable(
                "restart", reason, () -> client.restart("svc", Endpoint.of("tcp://c:1")));
            assertUnreadable("unregister", reason, () -> client.unregister(h));
          }
        }
      }
    }
  }

  @Test
  void writesOfOtherNamesAreNotHeldMeanwhile() throws Exception {
    String ns = Zk.freshNamespace("not-held");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("tcp://10.8.0.3:1"));
      ServiceHandle other = alice.register("other", Endpoint.of("tcp://10.8.0.3:2"));
      Stat written = raw.setData(path, GARBAGE, -1);
      awaitUnreadable(alice, "svc");
      String reason = reason("svc", path, written.getVersion(), UNKNOWN_FORMAT);
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        // One thread keeps changing the unreadable name while this one writes other names.
        Future<Integer> hammer =
            pool.submit(
                () -> {
                  int calls = 0;
                  while (!stop.get()) {
                    assertUnreadable(
                        "restart", reason, () -> alice.restart("svc", Endpoint.of("tcp://x:1")));
                    assertUnreadable("unregister", reason, () -> alice.unregister(h));
                    calls += 2;
                  }
                  return calls;
                });
        List<ServiceHandle> written2 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          written2.add(alice.register("n" + i, Endpoint.of("tcp://10.8.0.4:" + (i + 1))));
        }
        ServiceHandle restarted = alice.restart(other, Endpoint.of("tcp://10.8.0.3:3"));
        alice.heartbeat(restarted);
        stop.set(true);
        assertTrue(hammer.get(10, TimeUnit.SECONDS) >= 2);
        List<ServiceHandle> expected = new ArrayList<>(written2);
        expected.add(restarted);
        assertEquals(expected, alice.services());
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
    }
  }

  @Test
  void registerRepairsItAndWatchersSeeTheNewGeneration() throws Exception {
    String ns = Zk.freshNamespace("repair");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns);
        ServiceManager bob = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("tcp://10.8.0.5:1"));
      EventLog alices = new EventLog("alice's watch");
      EventLog bobs = new EventLog("bob's watchAll");
      try (Subscription a = alice.watch("svc", alices);
          Subscription b = bob.watchAll(bobs)) {
        bobs.awaitEvent(new ServiceEvent.Registered(h), PROPAGATION);
        raw.setData(path, GARBAGE, -1);
        alices.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);
        bobs.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);

        ServiceHandle repaired = bob.register("svc", Endpoint.of("tcp://10.8.0.5:2"));
        assertTrue(
            repaired.generation().value() > h.generation().value(),
            "a new incarnation, with a new generation: " + repaired + " after " + h);
        List<ServiceEvent> expected =
            List.of(
                new ServiceEvent.Registered(h),
                new ServiceEvent.Unregistered(h),
                new ServiceEvent.Registered(repaired));
        alices.awaitEvent(new ServiceEvent.Registered(repaired), PROPAGATION);
        bobs.awaitEvent(new ServiceEvent.Registered(repaired), PROPAGATION);
        assertEquals(expected, alices.events());
        assertEquals(expected, bobs.events());
        assertEquals(repaired, alice.resolve("svc"));
        assertEquals(List.of(repaired), alice.services());
        // The handle from before the unreadable version acts on nothing.
        SamgrError.StaleHandle stale =
            assertThrows(SamgrError.StaleHandle.class, () -> alice.unregister(h));
        assertEquals(repaired.generation(), stale.current());
        alice.heartbeat(repaired);
        alice.unregister(repaired);
        assertThrows(SamgrError.NotFound.class, () -> bob.restart("svc", Endpoint.of("tcp://d:1")));
      }
    }
  }

  @Test
  void aNameThatWasNeverReadableIsReportedAndRegisterRepairsIt() throws Exception {
    String ns = Zk.freshNamespace("squatted");
    String path = RecordPaths.record(ns, "svc");
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns)) {
      EventLog log = new EventLog("alice's watchAll");
      try (Subscription s = alice.watchAll(log)) {
        String bucket = path.substring(0, path.lastIndexOf('/'));
        raw.create(bucket, new byte[0], OPEN, CreateMode.PERSISTENT); // no write made it yet
        raw.create(path, GARBAGE, OPEN, CreateMode.PERSISTENT);
        awaitUnreadable(alice, "svc");
        assertUnreadable(
            "resolve", reason("svc", path, 0, UNKNOWN_FORMAT), () -> alice.resolve("svc"));
        ServiceHandle repaired = alice.register("svc", Endpoint.of("tcp://10.8.0.6:1"));
        log.awaitEvent(new ServiceEvent.Registered(repaired), PROPAGATION);
        assertEquals(List.of(new ServiceEvent.Registered(repaired)), log.events());
        assertEquals(repaired, alice.resolve("svc"));
        assertEquals(1, raw.exists(path, false).getVersion()); // written over version 0
      }
    }
  }

  @Test
  void eachUnreadableVersionIsLoggedOnceAsAWarning() throws Exception {
    String ns = Zk.freshNamespace("logged");
    String path = RecordPaths.record(ns, "svc");
    Logger logger = Logger.getLogger("org.opennexus.samgr.zookeeper");
    List<LogRecord> records = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains(path)) {
              synchronized (records) {
                records.add(record);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try (ZooKeeper raw = raw();
        ServiceManager alice = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("tcp://10.8.0.7:1"));
      Stat first = raw.setData(path, GARBAGE, -1);
      awaitUnreadable(alice, "svc");
      for (int i = 0; i < 3; i++) {
        assertThrows(SamgrError.Unavailable.class, () -> alice.resolve("svc"));
        assertThrows(SamgrError.Unavailable.class, () -> alice.restart(h, Endpoint.of("tcp://e")));
        assertThrows(SamgrError.Unavailable.class, () -> alice.unregister(h));
      }
      Stat second = raw.setData(path, new byte[] {2, 1}, -1);
      String cut = "truncated: a record of format 2 cut off after 2 bytes";
      String secondReason = reason("svc", path, second.getVersion(), cut);
      long deadline = System.nanoTime() + PROPAGATION.toNanos();
      while (true) { // until alice has read the second version
        SamgrError.Unavailable e =
            assertThrows(SamgrError.Unavailable.class, () -> alice.resolve("svc"));
        if (e.reason().equals(secondReason) || System.nanoTime() - deadline > 0) {
          assertEquals(secondReason, e.reason());
          break;
        }
        Thread.sleep(20);
      }
      assertThrows(SamgrError.Unavailable.class, () -> alice.restart(h, Endpoint.of("tcp://e")));
      List<String> logged = new ArrayList<>();
      synchronized (records) {
        for (LogRecord record : records) {
          assertEquals(Level.WARNING, record.getLevel());
          logged.add(record.getMessage());
        }
      }
      assertEquals(
          List.of(
              logLine("svc", path, first.getVersion(), UNKNOWN_FORMAT),
              logLine("svc", path, second.getVersion(), cut)),
          logged);
    } finally {
      logger.removeHandler(capture);
    }
  }

  // ---- helpers ----

  private static String described(String name, String path, int version, String why) {
    return "the record of '"
        + name
        + "' (node "
        + path
        + ", version "
        + version
        + ") is unreadable: "
        + why;
  }

  private static String remedy(String name, String path) {
    return "register '"
        + name
        + "' again from a client whose credentials may write that node: it replaces the"
        + " unreadable version with a new incarnation, with a new generation (or delete the node"
        + " with ZooKeeper's tools: delete "
        + path
        + ")";
  }

  /** The reason every operation on an unreadable record gives. */
  private static String reason(String name, String path, int version, String why) {
    return described(name, path, version, why)
        + "; nothing changed. To repair it, "
        + remedy(name, path);
  }

  /** The warning logged once per unreadable version. */
  private static String logLine(String name, String path, int version, String why) {
    return "samgr zookeeper: "
        + described(name, path, version, why)
        + "; every operation on '"
        + name
        + "' fails until it is repaired. To repair it, "
        + remedy(name, path);
  }

  private static void assertUnreadable(String op, String reason, Executable call) {
    SamgrError.Unavailable e = assertThrows(SamgrError.Unavailable.class, call);
    assertEquals(op, e.operation());
    assertEquals("zookeeper", e.environment());
    assertEquals(reason, e.reason());
    assertEquals(
        "operation '" + op + "' of the 'zookeeper' samgr backend failed: " + reason,
        e.getMessage());
  }

  /** Waits until {@code client}'s view holds the unreadable version of {@code name}. */
  private static void awaitUnreadable(ServiceManager client, String name) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    while (true) {
      try {
        client.resolve(name);
      } catch (SamgrError.Unavailable e) {
        return;
      } catch (SamgrError.NotFound e) {
        // not seen yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(client + " never saw the unreadable record of '" + name + "'");
      }
      Thread.sleep(20);
    }
  }

  private static ServiceManager open(String ns) {
    return Zk.open(server.getConnectString(), ns, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** The number of requests the server has received, from its {@code srvr} command. */
  private static long requestsReceived() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : answer.split("\n", -1)) {
        if (line.startsWith("Received: ")) {
          return Long.parseLong(line.substring("Received: ".length()).trim());
        }
      }
      throw new AssertionError("no request count in: " + answer);
    }
  }

  /** A raw ZooKeeper client without credentials, connected. */
  private static ZooKeeper raw() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            server.getConnectString(),
            10_000,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertTrue(connected.await(10, TimeUnit.SECONDS), "the raw client could not connect");
    return zk;
  }
}
