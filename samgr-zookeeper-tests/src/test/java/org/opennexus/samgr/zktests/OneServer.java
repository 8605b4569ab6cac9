package org.opennexus.samgr.zktests;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One in-process ZooKeeper server ({@code TestingServer}) for all tests of a class. */
abstract class OneServer {

  static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(Zk.spec(1), true);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }
}
