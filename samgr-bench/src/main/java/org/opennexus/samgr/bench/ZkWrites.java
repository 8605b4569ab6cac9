package org.opennexus.samgr.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The state of the write benchmarks: an in-process server and, by {@link #client}, either a samgr
 * {@code zookeeper} client or a bare Curator client that makes the ZooKeeper calls samgr's writes
 * need, with the same payload size: {@code register} of a new name is one {@code create} of its
 * record node; {@code restart} and {@code unregister} are each one {@code setData} with the
 * expected version (samgr keeps a record node per name and never deletes it), at the path samgr
 * uses ({@code records/<bucket>/<name>}, the bucket nodes made first). Samgr makes each of these
 * writes a transaction that also writes the record's bucket node; the bare calls do not, so the
 * difference includes that. A third side, {@code curator+cache}, makes the same calls with a {@code
 * CuratorCache} of the namespace running in the same client, as samgr's watch-fed view needs: the
 * cache's own reads after each write (a {@code getData} per changed node) then compete with the
 * next write, as they do for samgr; it separates what the cache costs from what samgr adds.
 */
@State(Scope.Benchmark)
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public abstract class ZkWrites {

  /** How many services are registered before the measurement. */
  static final int SIZE = 1000;

  /** A record's size in samgr's binary format, about: the bare client writes as many bytes. */
  private static final byte[] PAYLOAD = payload();

  /**
   * Who writes: {@code samgr} (the backend), {@code curator} (bare Curator calls) or {@code
   * curator+cache} (the same calls beside a {@code CuratorCache} of the namespace).
   */
  @Param({"samgr", "curator", "curator+cache"})
  public String client;

  ZkServer server;
  @Nullable ServiceManager samgr;
  @Nullable CuratorFramework curator;
  @Nullable CuratorCache cache;
  private String namespace;
  private int[] versions;
  private long created;

  /** For JMH's generated subclasses. */
  protected ZkWrites() {}

  /**
   * Starts the server, opens the client and registers {@link #SIZE} services.
   *
   * @throws Exception if the server cannot start or a write fails
   */
  @Setup
  public void setUp() throws Exception {
    server = ZkServer.start();
    namespace = ZkServer.freshNamespace("writes");
    if (client.equals("samgr")) {
      samgr = server.openSamgr(namespace);
    } else {
      CuratorFramework opened = server.openCurator();
      curator = opened;
      // The bucket nodes, as samgr makes them with the namespace.
      for (int b = 0; b < ZkServer.BUCKETS; b++) {
        opened.create().creatingParentsIfNeeded().forPath(ZkServer.bucketPath(namespace, b));
      }
      if (client.equals("curator+cache")) {
        cache = ZkServer.startCache(opened, "/" + namespace, null);
      }
    }
    versions = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      register(Population.name(i), Population.endpoint(i));
    }
  }

  /**
   * Closes the client and stops the server.
   *
   * @throws IOException if the server's directory cannot be deleted
   */
  @TearDown
  public void tearDown() throws IOException {
    if (samgr != null) {
      samgr.close();
    }
    if (cache != null) {
      cache.close();
    }
    if (curator != null) {
      curator.close();
    }
    server.close();
  }

  /** A name never registered before in this state. */
  String freshName() {
    return "new-" + created++;
  }

  /** Registers a new name: samgr's {@code register}, or one {@code create}. */
  @Nullable ServiceHandle register(String name, Endpoint endpoint) throws Exception {
    ServiceManager registry = samgr;
    if (registry != null) {
      return registry.register(name, endpoint);
    }
    curator().create().forPath(ZkServer.recordPath(namespace, name), PAYLOAD);
    return null;
  }

  /** Restarts service {@code i}: samgr's {@code restart}, or one {@code setData(version)}. */
  @Nullable ServiceHandle restart(int i, Endpoint endpoint) throws Exception {
    ServiceManager registry = samgr;
    String name = Population.name(i);
    if (registry != null) {
      return registry.restart(name, endpoint);
    }
    Stat stat =
        curator()
            .setData()
            .withVersion(versions[i])
            .forPath(ZkServer.recordPath(namespace, name), PAYLOAD);
    versions[i] = stat.getVersion();
    return null;
  }

  /**
   * Unregisters what {@link #register} just made: samgr's {@code unregister}, or one {@code
   * setData(version 0)} (a tombstone).
   */
  void unregister(@Nullable ServiceHandle handle, String name) throws Exception {
    ServiceManager registry = samgr;
    if (registry != null && handle != null) {
      registry.unregister(handle);
      return;
    }
    curator().setData().withVersion(0).forPath(ZkServer.recordPath(namespace, name), PAYLOAD);
  }

  private CuratorFramework curator() {
    CuratorFramework opened = curator;
    if (opened == null) {
      throw new IllegalStateException("not the curator side");
    }
    return opened;
  }

  /** A record's worth of bytes, ending in an endpoint: what the bare client writes. */
  static byte[] payload() {
    byte[] bytes = new byte[106];
    Arrays.fill(bytes, (byte) 1);
    byte[] endpoint = "tcp://10.0.3.232:7000".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(endpoint, 0, bytes, bytes.length - endpoint.length, endpoint.length);
    return bytes;
  }
}
