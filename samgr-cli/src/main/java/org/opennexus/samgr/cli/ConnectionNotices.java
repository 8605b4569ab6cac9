package org.opennexus.samgr.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * Tells a waiting command's user, on standard error, when the registry's client loses its
 * connection to a shared engine and when it has it again, so that a silent {@code watch} or {@code
 * await} is known to be blind rather than quiet. It looks at the registry's {@link RegistryStats} a
 * few times a second on a daemon thread of its own; a registry that is not shared gets no thread
 * and no notices.
 */
final class ConnectionNotices implements AutoCloseable {

  /** How often the connection is looked at. */
  static final long PERIOD_MILLIS = 200;

  private final @Nullable ScheduledExecutorService timer;

  private ConnectionNotices() {
    this.timer = null;
  }

  private ConnectionNotices(RegistryStats stats, PrintWriter err, String command) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "samgr-" + command + "-connection");
              t.setDaemon(true);
              return t;
            });
    boolean[] connected = {true}; // it was opened, so it was connected: a loss since is told
    var unused =
        timer.scheduleWithFixedDelay(
            () -> {
              boolean now = stats.connected();
              if (now != connected[0]) {
                connected[0] = now;
                err.println(
                    now
                        ? "samgr " + command + ": connected to the registry again"
                        : "samgr "
                            + command
                            + ": lost the connection to the registry; waiting for it to come"
                            + " back (what changed meanwhile follows then)");
                err.flush();
              }
            },
            PERIOD_MILLIS,
            PERIOD_MILLIS,
            TimeUnit.MILLISECONDS);
    this.timer = timer;
  }

  /**
   * Starts telling {@code err} of {@code samgr}'s connection, if it is a client of a shared engine.
   */
  static ConnectionNotices start(ServiceManager samgr, PrintWriter err, String command) {
    RegistryStats stats = RegistryStats.of(samgr).orElse(null);
    if (stats == null || !stats.shared()) {
      return new ConnectionNotices();
    }
    return new ConnectionNotices(stats, err, command);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
