package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NamespaceGuard#protect} against a client without credentials that races it: whatever that
 * client makes while a namespace is first protected ends up the credentials' own, so that the
 * four-node check of a read-only client ({@link NamespaceGuard#verify}) stands for the whole
 * namespace.
 */
@Timeout(60)
class NamespaceGuardTest {

  private static final String AUTH = "alice:secret";

  /**
   * The open client makes the root right after protect's first look found none, then records, a
   * bucket and a record before protect makes records: protect must not take the root as its own
   * make, and must make every node below it the credentials' own.
   */
  @Test
  void nodesMadeByAnOpenClientWhileTheNamespaceIsFirstProtectedEndUpProtected() throws Exception {
    String ns = "/" + ZkTestSupport.freshNamespace();
    String records = ns + "/records";
    String bucket = records + "/0";
    String record = bucket + "/svc";
    List<ACL> ours =
        List.of(
            new ACL(Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(AUTH))),
            new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
    try (TestServer server = TestServer.start();
        CuratorFramework alice =
            CuratorFrameworkFactory.builder()
                .connectString(server.connect())
                .retryPolicy(new RetryOneTime(100))
                .authorization("digest", AUTH.getBytes(StandardCharsets.UTF_8))
                .aclProvider(CuratorClients.acls(false))
                .build();
        CuratorFramework open =
            CuratorFrameworkFactory.newClient(server.connect(), new RetryOneTime(100))) {
      alice.start();
      open.start();
      alice.blockUntilConnected();
      open.blockUntilConnected();
      AtomicBoolean raced = new AtomicBoolean();
      CuratorFramework racing = // the open client makes the root at protect's first existence check
          (CuratorFramework)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {CuratorFramework.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("checkExists")
                        && raced.compareAndSet(false, true)) {
                      open.create().forPath(ns); // world:anyone:cdrwa
                    }
                    try {
                      return method.invoke(alice, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
      NamespaceGuard guard =
          new NamespaceGuard(
              racing,
              ns,
              CuratorClients.acl(false),
              AUTH,
              false,
              () -> { // meanwhile, the open client makes records, a bucket and a record
                open.create().forPath(records);
                open.create().forPath(bucket);
                open.create().forPath(record, "x".getBytes(StandardCharsets.UTF_8));
              });
      guard.protect();
      assertTrue(raced.get(), "the race was not run");
      for (String path : List.of(ns, records, bucket, record)) {
        assertEquals(ours, alice.getACL().forPath(path), path);
      }
      guard.verify();
      byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
      assertThrows(
          KeeperException.NoAuthException.class, () -> open.setData().forPath(record, forged));
      assertThrows(
          KeeperException.NoAuthException.class, () -> open.create().forPath(bucket + "/injected"));
      assertEquals("x", new String(alice.getData().forPath(record), StandardCharsets.UTF_8));
    }
  }
}
