package org.opennexus.samgr.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;

/** Builds the Curator client of a registry from its settings (not started). */
final class CuratorClients {

  private CuratorClients() {}

  /**
   * A Curator client of {@code connect}: the settings' session timeout, a retry policy bounded by
   * each operation's deadline ({@link DeadlineRetry}), and, with {@code zookeeper.auth}, digest
   * credentials and ACLs that let only them change what this client creates.
   */
  static CuratorFramework build(ZkSettings settings, String connect) {
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) Math.min(settings.operationTimeout().toMillis(), 1000))
            .retryPolicy(new DeadlineRetry(Math.max(settings.sessionTimeout().toMillis(), 1000)))
            .zkClientConfig(clientConfig(settings));
    String auth = settings.auth();
    if (auth != null) {
      builder
          .authorization("digest", auth.getBytes(StandardCharsets.UTF_8))
          .aclProvider(acls(settings.readAuth()));
    }
    return builder.build();
  }

  /**
   * ZooKeeper client settings: a request waits at most the operation timeout for its answer (then
   * it fails with a request timeout, which becomes {@code Unavailable}), so that no single call
   * blocks for the client's read timeout (two thirds of the session timeout).
   */
  private static ZKClientConfig clientConfig(ZkSettings settings) {
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
        Long.toString(settings.operationTimeout().toMillis()));
    return config;
  }

  /** The ACL of every node: all rights to its creator's credentials, reads to anyone unless not. */
  static List<ACL> acl(boolean readAuth) {
    List<ACL> acl = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
    if (!readAuth) {
      acl.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
    }
    // Not List.copyOf: ZooKeeper asks the list whether it contains null, which List.copyOf refuses.
    return Collections.unmodifiableList(acl);
  }

  /** The ACL provider of a client: every node it makes gets {@link #acl}. */
  static ACLProvider acls(boolean readAuth) {
    List<ACL> fixed = acl(readAuth);
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return fixed;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return fixed;
      }
    };
  }
}
