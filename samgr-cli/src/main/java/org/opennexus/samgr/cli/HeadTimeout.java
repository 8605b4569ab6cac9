package org.opennexus.samgr.cli;

import java.time.Duration;
import java.util.EventListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose next request head has not arrived within {@code timeout}: of its
 * opening for the first request, of the previous response's end for every later one. The idle
 * timeout alone would let a client that sends a byte now and then keep a connection (and a place
 * under the cap on connections) forever, on the first request as on any later one of a kept-alive
 * connection; and a kept-alive connection that sends nothing more is closed after it too.
 */
final class HeadTimeout implements Connection.Listener, EventListener {

  private final Scheduler scheduler;
  private final long timeoutMillis;
  private final Map<Connection, Heads> connections = new ConcurrentHashMap<>();

  HeadTimeout(Scheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void onOpened(Connection connection) {
    Heads heads = new Heads(connection);
    connections.put(connection, heads);
    heads.awaitNext();
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  /**
   * Notes that {@code connection}'s request head has arrived (its handling starts now); the
   * returned callback, completing the response, starts the time for the next head.
   */
  Callback handling(Connection connection, Callback callback) {
    Heads heads = connections.get(connection);
    if (heads == null) {
      return callback;
    }
    heads.started();
    return Callback.from(callback, heads::awaitNext);
  }

  /** One connection's requests: how many heads arrived, and whether one is being answered. */
  private final class Heads {
    private final Connection connection;
    private long arrived;
    private boolean answering;

    Heads(Connection connection) {
      this.connection = connection;
    }

    synchronized void started() {
      arrived++;
      answering = true;
    }

    void awaitNext() {
      long seen;
      synchronized (this) {
        answering = false;
        seen = arrived;
      }
      scheduler.schedule(() -> check(seen), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void check(long seen) {
      boolean late;
      synchronized (this) {
        late = !answering && arrived == seen;
      }
      if (late && connection.getEndPoint().isOpen()) {
        connection.getEndPoint().close();
      }
    }
  }
}
