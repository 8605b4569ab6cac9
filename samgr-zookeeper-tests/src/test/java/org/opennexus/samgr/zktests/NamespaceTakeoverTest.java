package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * {@code zookeeper.auth} protects a namespace whoever made it first: an attacker (a raw ZooKeeper
 * client without the credentials) or a credential-less samgr client such as a dashboard. A client
 * with the credentials either makes every node it relies on its own at {@code open()}, after which
 * the attacker can change nothing, or refuses to open, naming the node and its ACL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamespaceTakeoverTest extends OneServer {

  private static final Duration PROPAGATION = Duration.ofSeconds(30);
  private static final String ALICE = "alice:secret";

  /**
   * ZooKeeper's {@code world:anyone} (not {@code ZooDefs.Ids}, whose annotations javac warns of).
   */
  private static final Id ANYONE = new Id("world", "anyone");

  /**
   * What a client without credentials creates: anyone may do anything. (Not List.of: ZooKeeper asks
   * the list whether it contains null, which List.of refuses.)
   */
  private static final List<ACL> OPEN =
      Collections.unmodifiableList(Arrays.asList(new ACL(ZooDefs.Perms.ALL, ANYONE)));

  @Test
  void aNamespaceMadeByAnAttackerIsTakenOverAndTheAttackerChangesNothing() throws Exception {
    String ns = Zk.freshNamespace("takeover");
    String root = "/" + ns;
    String records = root + "/records";
    try (ZooKeeper mallory = raw()) {
      for (String path : List.of(root, records, root + "/clients")) {
        mallory.create(path, new byte[0], OPEN, CreateMode.PERSISTENT);
      }
      try (ServiceManager alice = open(ns, ALICE)) {
        assertProtected(root);
        EventLog log = new EventLog("alice's watchAll");
        try (Subscription s = alice.watchAll(log)) {
          ServiceHandle a = alice.register("svc-a", Endpoint.of("tcp://10.6.0.1:1"));
          // The namespace alice made of mallory's empty records node has the documented layout.
          assertEquals(
              "layout=2 buckets=" + RecordPaths.DEFAULT_BUCKETS,
              new String(mallory.getData(records, false, null), StandardCharsets.US_ASCII));
          String recordA = RecordPaths.record(ns, "svc-a");
          String bucketA = RecordPaths.bucketOfName(ns, "svc-a", RecordPaths.DEFAULT_BUCKETS);
          String recordB = RecordPaths.record(ns, "svc-b");
          String bucketB = RecordPaths.bucketOfName(ns, "svc-b", RecordPaths.DEFAULT_BUCKETS);
          String empty = emptyBucket(ns, bucketA, bucketB);
          assertEquals(List.of("svc-a"), mallory.getChildren(bucketA, false));
          // Only the bucket written into exists: buckets are made by the first write into them.
          assertEquals(
              List.of(bucketA.substring(records.length() + 1)),
              mallory.getChildren(records, false));
          Stat recordsBefore = mallory.exists(records, false);
          byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
          assertNoAuth(() -> mallory.delete(recordA, -1));
          assertNoAuth(() -> mallory.setData(recordA, forged, -1));
          assertNoAuth(() -> mallory.setACL(recordA, OPEN, -1));
          // The bucket node: it may not be written, removed, opened up or added to.
          assertNoAuth(() -> mallory.delete(bucketA, -1));
          assertNoAuth(() -> mallory.setData(bucketA, forged, -1));
          assertNoAuth(() -> mallory.setACL(bucketA, OPEN, -1));
          assertNoAuth(
              () -> mallory.create(bucketA + "/planted", forged, OPEN, CreateMode.PERSISTENT));
          // Nor may the buckets not written into yet be made, to plant a record in them.
          for (String bucket : List.of(bucketB, empty)) {
            assertNoAuth(() -> mallory.create(bucket, new byte[0], OPEN, CreateMode.PERSISTENT));
          }
          assertEquals(null, mallory.exists(recordB, false));
          assertNoAuth(() -> mallory.setData(records, forged, -1));
          // Nor may a node like a bucket be added: beyond the count, or of another width.
          for (String node : List.of("400", "0400", "00", "zzz")) {
            assertNoAuth(
                () ->
                    mallory.create(records + "/" + node, new byte[0], OPEN, CreateMode.PERSISTENT));
          }
          assertEquals(recordsBefore, mallory.exists(records, false));
          assertEquals(List.of("svc-a"), mallory.getChildren(bucketA, false));
          assertEquals(null, mallory.exists(bucketB, false));
          assertEquals(null, mallory.exists(empty, false));
          assertNoAuth(
              () ->
                  mallory.create(
                      root + "/clients/00000000000000ff", new byte[0], OPEN, CreateMode.EPHEMERAL));
          for (String child : mallory.getChildren(root + "/clients", false)) {
            assertNoAuth(() -> mallory.delete(root + "/clients/" + child, -1));
          }
          for (String child : mallory.getChildren(root, false)) {
            assertNoAuth(() -> mallory.delete(root + "/" + child, -1));
            assertNoAuth(() -> mallory.setACL(root + "/" + child, OPEN, -1));
          }
          assertNoAuth(() -> mallory.setACL(root, OPEN, -1));
          assertNoAuth(
              () -> mallory.create(root + "/extra", new byte[0], OPEN, CreateMode.PERSISTENT));

          // Nothing was squatted, nothing changed: alice registers the next name and sees only
          // her own changes.
          ServiceHandle b = alice.register("svc-b", Endpoint.of("tcp://10.6.0.2:1"));
          log.awaitEvent(new ServiceEvent.Registered(b), PROPAGATION);
          assertEquals(
              List.of(new ServiceEvent.Registered(a), new ServiceEvent.Registered(b)),
              log.events());
          assertEquals(List.of(a, b), alice.services());
        }
      }
    }
  }

  @Test
  void whatACredentialLessClientMadeFirstIsTakenOverToo() throws Exception {
    String ns = Zk.freshNamespace("dashboard-first");
    String root = "/" + ns;
    try (ZooKeeper mallory = raw();
        ServiceManager dashboard = open(ns, null)) {
      ServiceHandle d = dashboard.register("svc-d", Endpoint.of("tcp://10.7.0.1:1"));
      try (ServiceManager alice = open(ns, ALICE)) {
        assertProtected(root);
        assertEquals(d, alice.resolve("svc-d"));
        String recordD = RecordPaths.record(ns, "svc-d");
        String bucketD = RecordPaths.bucketOfName(ns, "svc-d", RecordPaths.DEFAULT_BUCKETS);
        assertEquals(List.of("svc-d"), mallory.getChildren(bucketD, false));
        assertNoAuth(() -> mallory.delete(recordD, -1));
        assertNoAuth(() -> mallory.setData(recordD, new byte[1], -1));
        assertNoAuth(() -> mallory.setData(bucketD, new byte[1], -1));
        assertNoAuth(
            () -> mallory.create(bucketD + "/planted", new byte[0], OPEN, CreateMode.PERSISTENT));
        SamgrError.Denied denied =
            assertThrows(
                SamgrError.Denied.class,
                () -> dashboard.register("svc-e", Endpoint.of("tcp://10.7.0.2:1")));
        assertEquals("register", denied.operation());
        ServiceHandle e = alice.register("svc-e", Endpoint.of("tcp://10.7.0.2:2"));
        assertEquals(e, dashboard.await("svc-e", PROPAGATION)); // reads stay open
      }
    }
  }

  /**
   * Nodes an attacker planted inside a namespace a credential-less client made (in a bucket beside
   * a record, in an empty bucket, and beside the buckets under {@code records}) are made alice's
   * own at her {@code open()} like every other node, after which the attacker can neither change
   * nor remove them; the view ignores them.
   */
  @Test
  void nodesPlantedInAndBesideTheBucketsAreTakenOverToo() throws Exception {
    String ns = Zk.freshNamespace("planted-open");
    String root = "/" + ns;
    String records = root + "/records";
    try (ZooKeeper mallory = raw();
        ServiceManager dashboard = open(ns, null)) {
      ServiceHandle d = dashboard.register("svc-d", Endpoint.of("tcp://10.7.1.1:1"));
      String bucketD = RecordPaths.bucketOfName(ns, "svc-d", RecordPaths.DEFAULT_BUCKETS);
      String empty = emptyBucket(ns, bucketD, bucketD);
      // "planted" is no record of either bucket: its own bucket is another one.
      String plantedName = "planted";
      assertTrue(
          !RecordPaths.record(ns, plantedName).startsWith(bucketD + "/")
              && !RecordPaths.record(ns, plantedName).startsWith(empty + "/"),
          "a planted node that is a record of its bucket");
      // The empty bucket is made by mallory herself, as anyone may under an open records node.
      List<String> planted =
          List.of(bucketD + "/" + plantedName, empty, empty + "/" + plantedName, records + "/zzz");
      byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
      for (String path : planted) {
        mallory.create(path, forged, OPEN, CreateMode.PERSISTENT);
      }
      try (ServiceManager alice = open(ns, ALICE)) {
        assertProtected(root); // every node, the planted ones included
        for (String path : planted) {
          assertNoAuth(() -> mallory.delete(path, -1));
          assertNoAuth(() -> mallory.setData(path, new byte[1], -1));
          assertNoAuth(() -> mallory.setACL(path, OPEN, -1));
          assertEquals(
              "forged", new String(mallory.getData(path, false, null), StandardCharsets.UTF_8));
        }
        assertEquals(d, alice.resolve("svc-d"));
        assertEquals(List.of(d), alice.services());
        ServiceHandle e = alice.register("svc-e", Endpoint.of("tcp://10.7.1.2:1"));
        assertEquals(e, dashboard.await("svc-e", PROPAGATION));
      }
    }
  }

  /**
   * A node an attacker with credentials of her own planted in a bucket of a namespace a
   * credential-less client made, with an ACL these credentials may not change, makes alice's {@code
   * open()} fail naming that node and its ACL, as a record node directly under {@code records} did
   * before the buckets; the planted node stays as it was.
   */
  @Test
  void aNodePlantedInABucketThatTheCredentialsCannotTakeOverIsRefusedNamingIt() throws Exception {
    String ns = Zk.freshNamespace("planted-refused");
    String root = "/" + ns;
    try (ZooKeeper mallory = raw();
        ServiceManager dashboard = open(ns, null)) {
      ServiceHandle d = dashboard.register("svc-d", Endpoint.of("tcp://10.7.2.1:1"));
      mallory.addAuthInfo("digest", "mallory:other".getBytes(StandardCharsets.UTF_8));
      List<ACL> malloryOnly =
          Arrays.asList(
              new ACL(ZooDefs.Perms.ALL, new Id("auth", "")), new ACL(ZooDefs.Perms.READ, ANYONE));
      String bucketD = RecordPaths.bucketOfName(ns, "svc-d", RecordPaths.DEFAULT_BUCKETS);
      String planted = bucketD + "/planted";
      mallory.create(planted, new byte[0], malloryOnly, CreateMode.PERSISTENT);
      Stat plantedBefore = new Stat();
      List<ACL> aclBefore = mallory.getACL(planted, plantedBefore);

      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> open(ns, ALICE));
      Throwable cause = refused.getCause();
      while (cause != null && !(cause instanceof SamgrError.Denied)) {
        cause = cause.getCause();
      }
      SamgrError.Denied denied = assertInstanceOf(SamgrError.Denied.class, cause, "cause");
      assertEquals("open", denied.operation());
      assertEquals("zookeeper", denied.environment());
      String message = String.valueOf(refused.getMessage());
      assertTrue(message.contains("node '" + planted + "'"), message);
      assertTrue(message.contains("deleteall " + planted + ")"), message);
      assertTrue(message.contains("digest:mallory:"), message);
      assertTrue(message.contains("world:anyone:r"), message);
      assertTrue(message.contains("zookeeper.auth"), message);
      Stat plantedAfter = new Stat();
      assertEquals(aclBefore, mallory.getACL(planted, plantedAfter));
      assertEquals(plantedBefore, plantedAfter);
      // The root is made alice's own last, after every record: it is still open to anyone.
      assertEquals(OPEN, mallory.getACL(root, new Stat()));
      assertEquals(d, dashboard.resolve("svc-d")); // the namespace still serves its own clients
    }
  }

  @Test
  void aReadOnlyClientWithCredentialsRefusesANamespaceOthersCanChangeAndChangesNothing()
      throws Exception {
    String ns = Zk.freshNamespace("read-only-guard");
    String root = "/" + ns;
    try (ZooKeeper mallory = raw();
        ServiceManager dashboard = open(ns, null)) {
      ServiceHandle d = dashboard.register("svc-d", Endpoint.of("tcp://10.7.0.1:1"));
      List<ACL> before = mallory.getACL(root, new Stat());
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> open(ns, ALICE, true));
      Throwable cause = refused.getCause();
      while (cause != null && !(cause instanceof SamgrError.Denied)) {
        cause = cause.getCause();
      }
      assertEquals("open", assertInstanceOf(SamgrError.Denied.class, cause, "cause").operation());
      String message = String.valueOf(refused.getMessage());
      assertTrue(message.contains("'" + root + "'"), message);
      assertTrue(message.contains("world:anyone:cdrwa"), message);
      assertTrue(message.contains("open the namespace once from a client that may write"), message);
      assertEquals(before, mallory.getACL(root, new Stat())); // a read-only client fixes nothing
      try (ServiceManager alice = open(ns, ALICE)) { // a writing client makes it alice's own
        assertProtected(root);
        try (ServiceManager reader = open(ns, ALICE, true)) {
          assertEquals(d, reader.resolve("svc-d"));
        }
      }
    }
  }

  @Test
  void aNamespaceTheCredentialsCannotTakeOverIsRefusedNamingTheNodeAndItsAcl() throws Exception {
    String ns = Zk.freshNamespace("refused");
    String root = "/" + ns;
    try (ZooKeeper mallory = raw()) {
      mallory.addAuthInfo("digest", "mallory:other".getBytes(StandardCharsets.UTF_8));
      List<ACL> malloryOnly =
          Arrays.asList(
              new ACL(ZooDefs.Perms.ALL, new Id("auth", "")), new ACL(ZooDefs.Perms.READ, ANYONE));
      mallory.create(root, new byte[0], malloryOnly, CreateMode.PERSISTENT);
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> open(ns, ALICE));
      // Samgr.builder().open() wraps the backend's IllegalStateException in its own.
      Throwable cause = refused.getCause();
      while (cause != null && !(cause instanceof SamgrError.Denied)) {
        cause = cause.getCause();
      }
      SamgrError.Denied denied = assertInstanceOf(SamgrError.Denied.class, cause, "cause");
      assertEquals("open", denied.operation());
      assertEquals("zookeeper", denied.environment());
      String message = String.valueOf(refused.getMessage());
      assertTrue(message.contains("'" + root + "'"), message);
      assertTrue(message.contains("digest:mallory:"), message);
      assertTrue(message.contains("world:anyone:r"), message);
      assertTrue(message.contains("zookeeper.auth"), message);
      assertEquals(malloryOnly.size(), mallory.getACL(root, new Stat()).size());
      assertEquals(List.of(), mallory.getChildren(root, false)); // alice created nothing
    }
  }

  /**
   * Checks that every persistent node of the namespace lets only alice change it: an ACL of alice's
   * digest (all rights) and read for anyone. Read as alice: ZooKeeper shows digests only to clients
   * that may change the ACL.
   */
  private static void assertProtected(String root) throws Exception {
    try (ZooKeeper asAlice = raw()) {
      asAlice.addAuthInfo("digest", ALICE.getBytes(StandardCharsets.UTF_8));
      assertProtected(asAlice, root);
    }
  }

  private static void assertProtected(ZooKeeper zk, String path) throws Exception {
    Stat stat = new Stat();
    List<ACL> acl = zk.getACL(path, stat);
    if (stat.getEphemeralOwner() == 0) {
      String alice = DigestAuthenticationProvider.generateDigest(ALICE);
      for (ACL entry : acl) {
        Id id = entry.getId();
        boolean isAlice = id.getScheme().equals("digest") && id.getId().equals(alice);
        assertTrue(
            isAlice || entry.getPerms() == ZooDefs.Perms.READ,
            path + " lets " + id + " do more than read: " + acl);
      }
      assertTrue(
          acl.stream().anyMatch(e -> e.getId().getId().equals(alice)),
          path + " has no entry for alice: " + acl);
    }
    for (String child : zk.getChildren(path, false)) {
      assertProtected(zk, path + "/" + child);
    }
  }

  /** A bucket node of the namespace other than {@code a} and {@code b}: no test name is in it. */
  private static String emptyBucket(String ns, String a, String b) {
    for (int i = 0; ; i++) {
      String bucket = RecordPaths.bucket(ns, i, RecordPaths.DEFAULT_BUCKETS);
      if (!bucket.equals(a) && !bucket.equals(b)) {
        return bucket;
      }
    }
  }

  private interface ZkCall {
    void run() throws Exception;
  }

  private static void assertNoAuth(ZkCall call) {
    assertThrows(KeeperException.NoAuthException.class, call::run);
  }

  private static ServiceManager open(String ns, String auth) {
    return open(ns, auth, false);
  }

  private static ServiceManager open(String ns, String auth, boolean readOnly) {
    var builder =
        Samgr.builder()
            .environment("zookeeper")
            .setting("zookeeper.connect", server.getConnectString())
            .setting("zookeeper.namespace", ns)
            .setting("zookeeper.operation-timeout", "10s");
    if (auth != null) {
      builder.setting("zookeeper.auth", auth);
    }
    if (readOnly) {
      builder.setting("zookeeper.read-only", "true");
    }
    return builder.open();
  }

  /** A raw ZooKeeper client without credentials (the attacker), connected. */
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
    assertTrue(connected.await(30, TimeUnit.SECONDS), "the attacker could not connect");
    return zk;
  }
}
