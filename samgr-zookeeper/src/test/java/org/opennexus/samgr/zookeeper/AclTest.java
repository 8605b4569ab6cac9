package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** A namespace protected with {@code zookeeper.auth}: others may read it but change nothing. */
@Timeout(60)
class AclTest {

  private static ServiceManager open(String ns, String... auth) {
    var builder = ZkTestSupport.builder(ZkSettings.EMBEDDED, ns);
    if (auth.length > 0) {
      builder.setting("zookeeper.auth", auth[0]);
    }
    if (auth.length > 1) {
      builder.setting("zookeeper.read-auth", auth[1]);
    }
    return builder.open();
  }

  @Test
  void clientsWithoutTheCredentialsAreDeniedEveryChangeAndChangeNothing() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager alice = open(ns, "alice:secret");
        ServiceManager anonymous = open(ns)) {
      ServiceHandle h = alice.register("svc", Endpoint.of("a"));
      // Other credentials never run on a namespace that others (alice) can change: refused.
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> open(ns, "bob:other"));
      Throwable cause = refused.getCause();
      while (cause != null && !(cause instanceof SamgrError.Denied)) {
        cause = cause.getCause();
      }
      assertTrue(cause instanceof SamgrError.Denied, "cause: " + refused);
      String message = String.valueOf(refused.getMessage());
      assertTrue(message.contains("'/" + ns + "'") && message.contains("digest:alice:"), message);
      for (ServiceManager intruder : List.of(anonymous)) {
        assertEquals(h, intruder.await("svc", Duration.ofSeconds(20))); // reads stay open
        assertDenied("register", () -> intruder.register("other", Endpoint.of("x")));
        assertDenied("restart", () -> intruder.restart(h, Endpoint.of("x")));
        assertDenied("restart", () -> intruder.restart("svc", Endpoint.of("x")));
        assertDenied("unregister", () -> intruder.unregister(h));
      }
      assertEquals(h, alice.resolve("svc"));
      assertEquals(List.of(h), alice.services());
      ServiceHandle next = alice.restart(h, Endpoint.of("b")); // alice still may
      assertEquals(next, alice.resolve("svc"));
    }
  }

  @Test
  void withReadAuthOthersCannotEvenOpenTheNamespace() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager alice = open(ns, "alice:secret", "true")) {
      ServiceHandle h = alice.register("svc", Endpoint.of("a"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(ns));
      String message = String.valueOf(e.getMessage());
      assertTrue(message.contains("zookeeper.auth"), message);
      assertTrue(message.contains("/" + ns), message);
      try (ServiceManager again = open(ns, "alice:secret", "true")) {
        assertEquals(h, again.resolve("svc"));
      }
    }
  }

  /**
   * A read-only client with the credentials checks the namespace's own four nodes, not every bucket
   * and record below them: opening it costs a few requests more than opening one without
   * credentials, whatever the number of services (it was three per record and bucket).
   */
  @Test
  void aReadOnlyClientWithCredentialsChecksTheNamespaceNotEveryRecord() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (TestServer server = TestServer.start()) {
      try (ServiceManager alice = open(server, ns, "zookeeper.auth", "alice:secret")) {
        for (int i = 0; i < 200; i++) {
          alice.register("svc-" + i, Endpoint.of("tcp://10.0.0.1:" + i));
        }
        long before = server.packetsReceived();
        try (ServiceManager reader =
            open(server, ns, "zookeeper.auth", "alice:secret", "zookeeper.read-only", "true")) {
          assertEquals(alice.resolve("svc-7"), reader.resolve("svc-7"));
        }
        long withCredentials = server.packetsReceived() - before;
        before = server.packetsReceived();
        try (ServiceManager reader = open(server, ns, "zookeeper.read-only", "true")) {
          assertEquals(alice.resolve("svc-7"), reader.resolve("svc-7"));
        }
        long without = server.packetsReceived() - before;
        // Its credentials and four ACLs (5), give or take the pings that fall within either open
        // (measured: 13 to 15 requests against 8 or 9); reading every record would be 200 more.
        long more = withCredentials - without;
        assertTrue(more >= 3 && more <= 10, withCredentials + " requests against " + without);
      }
    }
  }

  private static ServiceManager open(TestServer server, String ns, String... keysAndValues) {
    var builder = ZkTestSupport.builder(server.connect(), ns);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      builder.setting(keysAndValues[i], keysAndValues[i + 1]);
    }
    return builder.open();
  }

  private static void assertDenied(String operation, Executable call) {
    SamgrError.Denied denied = assertThrows(SamgrError.Denied.class, call);
    assertEquals(operation, denied.operation());
    assertEquals("zookeeper", denied.environment());
  }
}
