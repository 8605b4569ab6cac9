package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/** A plain ZooKeeper client, to check what a {@code samgr serve} server holds. */
final class ZooKeeperClient implements AutoCloseable {
  private final ZooKeeper zookeeper;

  ZooKeeperClient(String connect) throws Exception {
    this(connect, 10_000);
  }

  /** A client asking for a session timeout of {@code sessionTimeoutMillis}. */
  ZooKeeperClient(String connect, int sessionTimeoutMillis) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    zookeeper =
        new ZooKeeper(
            connect,
            sessionTimeoutMillis,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertTrue(connected.await(30, TimeUnit.SECONDS), "no connection to " + connect);
  }

  void create(String path, String data) throws Exception {
    zookeeper.create(
        path,
        data.getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
  }

  /** The node's data, or {@code null} text "absent" if there is no such node. */
  String read(String path) throws Exception {
    try {
      return new String(zookeeper.getData(path, false, null), StandardCharsets.UTF_8);
    } catch (KeeperException.NoNodeException e) {
      return "absent";
    }
  }

  /** The session timeout the server granted, in milliseconds. */
  int sessionTimeout() {
    return zookeeper.getSessionTimeout();
  }

  @Override
  public void close() throws InterruptedException {
    zookeeper.close();
  }
}
