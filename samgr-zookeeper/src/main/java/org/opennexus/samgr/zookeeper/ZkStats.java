package org.opennexus.samgr.zookeeper;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.opennexus.samgr.spi.EventHub;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * A client's {@link RegistryStats}: the view's count of registered services and the hub's backlog,
 * read when asked, and its connection to the ensemble as Curator reports it (this object listens to
 * Curator's connection states from before the client starts).
 *
 * <p>Connected means Curator's last state was {@code CONNECTED}, {@code RECONNECTED} or {@code
 * READ_ONLY}; {@code SUSPENDED} and {@code LOST} are not connected. A reconnection is a {@code
 * RECONNECTED}: after a lost connection, in the same session or in a new one. Staleness is zero
 * while connected and counts from the moment the client noticed the loss: ZooKeeper's client
 * notices a closed connection at once, but a server that stalls without closing it only after two
 * thirds of the session timeout without an answer, so the true time since the client last heard
 * from the ensemble can be up to that much longer. It runs on {@link System#nanoTime}, not on the
 * registry's liveness clock: a manual clock in a test does not stop it.
 */
final class ZkStats implements RegistryStats, ConnectionStateListener {

  private final RecordView view;
  private final EventHub hub;
  private final ZkCalls calls;

  private volatile boolean connected;
  private volatile long reconnects;

  /** When the connection was lost ({@link System#nanoTime}), meaningful while not connected. */
  private volatile long lostAt = System.nanoTime();

  /** The staleness at close, answered from then on; negative while open. */
  private volatile long stalenessAtClose = -1;

  ZkStats(RecordView view, EventHub hub, ZkCalls calls) {
    this.view = view;
    this.hub = hub;
    this.calls = calls;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // Curator reports states on one thread at a time
  public void stateChanged(CuratorFramework client, ConnectionState state) {
    if (state.isConnected()) {
      if (state == ConnectionState.RECONNECTED) {
        reconnects++;
      }
      connected = true;
    } else if (connected) {
      lostAt = System.nanoTime();
      connected = false;
    }
  }

  /** The client is closing: from now on not connected, with the staleness it has now. */
  void close() {
    if (stalenessAtClose < 0) {
      stalenessAtClose = stalenessNanos();
      connected = false;
    }
  }

  @Override
  public int serviceCount() {
    return view.serviceCount();
  }

  @Override
  public long deliveryBacklog() {
    return calls.closed() ? 0 : hub.backlog();
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public boolean connected() {
    return connected && !calls.closed();
  }

  @Override
  public long reconnects() {
    return reconnects;
  }

  @Override
  public Duration staleness() {
    long closed = stalenessAtClose;
    return Duration.ofNanos(closed >= 0 ? closed : stalenessNanos());
  }

  private long stalenessNanos() {
    return connected ? 0 : Math.max(0, System.nanoTime() - lostAt);
  }

  @Override
  public String toString() {
    return "stats of a samgr zookeeper client ("
        + (connected() ? "connected" : "not connected")
        + ", reconnects: "
        + reconnects
        + ")";
  }
}
