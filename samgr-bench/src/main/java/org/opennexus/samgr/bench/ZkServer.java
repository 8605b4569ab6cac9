package org.opennexus.samgr.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;
import org.apache.curator.retry.RetryNTimes;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrConfig;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;

/**
 * One in-process ZooKeeper server for the {@code zookeeper} benchmarks, with {@code forceSync=no}
 * (writes are not flushed to disk, as in a test run), and the two kinds of client the benchmarks
 * compare on it: a samgr {@code zookeeper} client and a bare Curator client.
 */
public final class ZkServer implements AutoCloseable {

  private final EmbeddedZooKeeper server;

  private ZkServer(EmbeddedZooKeeper server) {
    this.server = server;
  }

  /**
   * Runs a server in a process of its own, for {@link Footprint}: prints {@code connect <connect
   * string>}, then serves until its standard input ends.
   *
   * @param args ignored
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    try (ZkServer server = start()) {
      System.out.println("connect " + server.connect());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our standard input or dies
      }
    }
  }

  /** Starts a server on a free loopback port, its data in a new temporary directory. */
  static ZkServer start() throws Exception {
    System.setProperty("zookeeper.forceSync", "no");
    return new ZkServer(EmbeddedZooKeeper.start());
  }

  /** The connect string of this server. */
  String connect() {
    return server.connectString();
  }

  /** Opens a samgr client of the registry {@code namespace} on this server. */
  ServiceManager openSamgr(String namespace) {
    return openSamgr(connect(), namespace);
  }

  /**
   * Opens a samgr client of the registry {@code namespace} on the server at {@code connect}, with a
   * generous operation timeout: on a busy machine, loading 100,000 services at open takes more than
   * the default 10 s.
   */
  static ServiceManager openSamgr(String connect, String namespace) {
    return openSamgr(connect, namespace, SamgrConfig.DEFAULT_LIVENESS_TIMEOUT);
  }

  /** {@link #openSamgr(String)} with the services' liveness timeout {@code liveness}. */
  ServiceManager openSamgr(String namespace, Duration liveness) {
    return openSamgr(connect(), namespace, liveness);
  }

  private static ServiceManager openSamgr(String connect, String namespace, Duration liveness) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", namespace)
        .setting("zookeeper.operation-timeout", "120s")
        .livenessTimeout(liveness)
        .open();
  }

  /** Opens a bare, started and connected Curator client of this server. */
  CuratorFramework openCurator() throws InterruptedException {
    CuratorFramework client = CuratorFrameworkFactory.newClient(connect(), new RetryNTimes(3, 100));
    client.start();
    if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
      client.close();
      throw new IllegalStateException("Curator could not connect to " + connect());
    }
    return client;
  }

  /**
   * Starts a {@code CuratorCache} of {@code root} on {@code client} (data not kept, as samgr's view
   * keeps it) and waits until it has loaded.
   *
   * @param changes told of every change after the load, or {@code null}
   */
  static CuratorCache startCache(
      CuratorFramework client, String root, @Nullable CuratorCacheListener changes)
      throws InterruptedException {
    CuratorCache cache =
        CuratorCache.builder(client, root).withStorage(CuratorCacheStorage.dataNotCached()).build();
    CountDownLatch initialized = new CountDownLatch(1);
    cache
        .listenable()
        .addListener(CuratorCacheListener.builder().forInitialized(initialized::countDown).build());
    if (changes != null) {
      cache.listenable().addListener(changes);
    }
    cache.start();
    if (!initialized.await(30, TimeUnit.SECONDS)) {
      cache.close();
      throw new IllegalStateException("the CuratorCache did not load within 30 s");
    }
    return cache;
  }

  /** The bucket count of a namespace samgr makes by default ({@code zookeeper.buckets}). */
  static final int BUCKETS = 1024;

  /**
   * The bucket node that samgr keeps the record of {@code name} in, in a namespace of {@link
   * #BUCKETS} buckets: {@code /<namespace>/records/<bucket>}, the bucket being the FNV-1a hash (32
   * bits, unsigned) of the record's node name modulo the count, in lowercase hex padded to three
   * digits. The bare Curator clients write where samgr does. Only for names that are node names as
   * they are (letters, digits, {@code .}, {@code -}, {@code _}), as the benchmarks' are.
   */
  static String bucketPath(String namespace, String name) {
    return bucketPath(namespace, bucketOf(name));
  }

  /** The bucket node numbered {@code bucket} of a namespace of {@link #BUCKETS} buckets. */
  static String bucketPath(String namespace, int bucket) {
    return String.format("/%s/records/%03x", namespace, bucket);
  }

  /** The record node of {@code name}: in its {@link #bucketPath bucket}. */
  static String recordPath(String namespace, String name) {
    return bucketPath(namespace, name) + "/" + name;
  }

  private static int bucketOf(String name) {
    int hash = 0x811c9dc5;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '.' && c != '-' && c != '_') {
        throw new IllegalArgumentException("not a node name as it is: " + name);
      }
      hash ^= c;
      hash *= 0x01000193;
    }
    return Integer.remainderUnsigned(hash, BUCKETS);
  }

  /** A namespace name no other benchmark state uses. */
  static String freshNamespace(String prefix) {
    return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /** The server's last transaction id (ZooKeeper's {@code srvr} command): it counts writes. */
  long lastZxid() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith("Zxid: 0x")) {
          return Long.parseUnsignedLong(line.substring("Zxid: 0x".length()).trim(), 16);
        }
      }
    }
    throw new IOException("no Zxid line in the answer to srvr from " + connect());
  }

  @Override
  public void close() {
    server.close();
  }
}
