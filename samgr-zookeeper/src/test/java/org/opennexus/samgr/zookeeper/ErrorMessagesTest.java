package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;

/**
 * Each error says what happened: "could not reach the engine" only when nothing answered; a node
 * that is gone, a request over ZooKeeper's packet limit, and any other answer that stops an
 * operation each get a reason that names the node and the remedy.
 */
@Timeout(60)
class ErrorMessagesTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @Test
  void aMissingRecordsNodeIsNamedWithItsRemedy() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager manager = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      // as a loss of data would
      manager.curator().delete().deletingChildrenIfNeeded().forPath("/" + ns + "/records");
      SamgrError.Unavailable e =
          assertThrows(
              SamgrError.Unavailable.class,
              () -> manager.register("svc", Endpoint.of("tcp://10.0.0.1:1")));
      assertUnavailable(e, "register", missing("/" + ns + "/records"));
      assertEquals(List.of(), manager.services());
    }
  }

  @Test
  void aMissingClientsNodeIsNamedWithItsRemedy() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager manager = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      manager.curator().delete().forPath("/" + ns + "/clients"); // it never wrote: no node there
      SamgrError.Unavailable e =
          assertThrows(
              SamgrError.Unavailable.class,
              () -> manager.register("svc", Endpoint.of("tcp://10.0.0.1:1")));
      assertUnavailable(e, "register", missing("/" + ns + "/clients"));
      CuratorFramework curator = manager.curator();
      assertEquals(null, curator.checkExists().forPath(ZkTestSupport.record(ns, "svc")));
    }
  }

  @Test
  void aRecordOverThePacketLimitIsRefusedBeforeItIsSent() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager manager = ZkTestSupport.open(server.connect(), ns)) {
      String endpoint = "tcp://" + "h".repeat(4000) + ":1";
      String before = System.setProperty("jute.maxbuffer", "20000");
      SamgrError.Unavailable e;
      try {
        e =
            assertThrows(
                SamgrError.Unavailable.class, () -> manager.register("svc", Endpoint.of(endpoint)));
      } finally {
        if (before == null) {
          System.clearProperty("jute.maxbuffer");
        } else {
          System.setProperty("jute.maxbuffer", before);
        }
      }
      long size = 2L * (2 + 80 + 2 + 3 * endpoint.length() + 24);
      size += 6L * ZkTestSupport.record(ns, "svc").length() + 1024;
      assertUnavailable(
          e,
          "register",
          "the write of 'svc' would take up to "
              + size
              + " bytes, more than ZooKeeper's packet limit (jute.maxbuffer = 20000 bytes in this"
              + " JVM); nothing was sent. Use a shorter endpoint, or raise jute.maxbuffer on every"
              + " client and server of the ensemble");
      assertEquals(List.of(), manager.services());
      // Within the limit (ZooKeeper's default here), the same endpoint is registered.
      assertEquals(endpoint, manager.register("svc", Endpoint.of(endpoint)).endpoint().address());
    }
  }

  @Test
  void aListOverThePacketLimitIsNamedAtOpen() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager writer =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "1")) {
      for (int i = 0; i < 300; i++) {
        writer.register(String.format("service-with-a-longish-name-%03d", i), Endpoint.of("e"));
      }
      String before = System.setProperty("jute.maxbuffer", "4000"); // read by new clients
      IllegalStateException e;
      try {
        e =
            assertThrows(
                IllegalStateException.class,
                () ->
                    ZkTestSupport.open(
                        server.connect(), ns, ZkHooks.NONE, "zookeeper.operation-timeout", "2s"));
      } finally {
        if (before == null) {
          System.clearProperty("jute.maxbuffer");
        } else {
          System.setProperty("jute.maxbuffer", before);
        }
      }
      SamgrError.Unavailable cause = assertInstanceOf(SamgrError.Unavailable.class, e.getCause());
      assertUnavailable(
          cause,
          "open",
          "the list of node '/"
              + ns
              + "/records/0' (300 records) never arrived although the ensemble answers: it is"
              + " probably larger than ZooKeeper's packet limit (jute.maxbuffer = 4000 bytes in"
              + " this JVM). Raise jute.maxbuffer on every client and server of the ensemble"
              + " (-Djute.maxbuffer=16777216, say), or make the namespace anew with more buckets"
              + " (zookeeper.buckets)");
      String message = String.valueOf(e.getMessage());
      assertTrue(message.endsWith(": " + cause.getMessage()), message);
    }
  }

  @Test
  void aListOverThePacketLimitIsNamedWhenAReadOnlyClientLoads() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager writer =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "1")) {
      for (int i = 0; i < 300; i++) {
        writer.register(String.format("service-with-a-longish-name-%03d", i), Endpoint.of("e"));
      }
      String before = System.setProperty("jute.maxbuffer", "4000"); // read by new clients
      try (ServiceManager reader =
          ZkTestSupport.open(
              server.connect(),
              ns,
              ZkHooks.NONE,
              "zookeeper.operation-timeout",
              "2s",
              "zookeeper.read-only",
              "true")) {
        // one record is one small read; the whole list is what does not fit
        assertEquals(
            writer.resolve("service-with-a-longish-name-007"),
            reader.resolve("service-with-a-longish-name-007"));
        IllegalStateException e = assertThrows(IllegalStateException.class, reader::services);
        SamgrError.Unavailable cause = assertInstanceOf(SamgrError.Unavailable.class, e.getCause());
        assertUnavailable(
            cause,
            "open",
            "the list of node '/"
                + ns
                + "/records/0' (300 records) never arrived although the ensemble answers: it is"
                + " probably larger than ZooKeeper's packet limit (jute.maxbuffer = 4000 bytes in"
                + " this JVM). Raise jute.maxbuffer on every client and server of the ensemble"
                + " (-Djute.maxbuffer=16777216, say), or make the namespace anew with more"
                + " buckets (zookeeper.buckets)");
      } finally {
        if (before == null) {
          System.clearProperty("jute.maxbuffer");
        } else {
          System.setProperty("jute.maxbuffer", before);
        }
      }
    }
  }

  @Test
  void anAnswerThatStopsAnOperationNamesTheNodeAndWhatZooKeeperSaid() {
    ZkCalls calls = new ZkCalls(1_000_000_000L);
    KeeperException quota = KeeperException.create(KeeperException.Code.QUOTAEXCEEDED, "/ns/x");
    SamgrError.Unavailable e =
        assertThrows(
            SamgrError.Unavailable.class,
            () ->
                calls.run(
                    "register",
                    calls.deadline(),
                    () -> {
                      throw quota;
                    }));
    assertUnavailable(
        e, "register", "ZooKeeper answered QUOTAEXCEEDED for node '/ns/x' and did not apply it");
    assertSame(quota, e.getCause());
  }

  @Test
  void noAnswerIsStillCouldNotReach() {
    ZkCalls calls = new ZkCalls(1_000_000_000L);
    for (KeeperException.Code code :
        List.of(
            KeeperException.Code.CONNECTIONLOSS,
            KeeperException.Code.OPERATIONTIMEOUT,
            KeeperException.Code.SESSIONEXPIRED)) {
      SamgrError.Unavailable e =
          assertThrows(
              SamgrError.Unavailable.class,
              () ->
                  calls.run(
                      "heartbeat",
                      calls.deadline(),
                      () -> {
                        throw KeeperException.create(code, "/ns/x");
                      }));
      assertEquals(
          new SamgrError.Unavailable("heartbeat", "zookeeper").getMessage(), e.getMessage());
      assertEquals("could not reach the engine within its timeout", e.reason());
    }
  }

  @Test
  void anAclRefusalIsDenied() {
    ZkCalls calls = new ZkCalls(1_000_000_000L);
    SamgrError.Denied e =
        assertThrows(
            SamgrError.Denied.class,
            () ->
                calls.run(
                    "unregister",
                    calls.deadline(),
                    () -> {
                      throw KeeperException.create(KeeperException.Code.NOAUTH, "/ns/x");
                    }));
    assertEquals("unregister", e.operation());
    assertEquals("zookeeper", e.environment());
  }

  private static String missing(String node) {
    return "node '"
        + node
        + "' does not exist: the ensemble lost this namespace's data, or someone deleted it;"
        + " nothing was changed. Open the registry again (it makes the namespace's nodes anew)"
        + " and register its services again";
  }

  private static void assertUnavailable(SamgrError.Unavailable e, String op, String reason) {
    assertEquals(op, e.operation());
    assertEquals("zookeeper", e.environment());
    assertEquals(reason, e.reason());
    assertEquals(
        "operation '" + op + "' of the 'zookeeper' samgr backend failed: " + reason,
        e.getMessage());
  }
}
