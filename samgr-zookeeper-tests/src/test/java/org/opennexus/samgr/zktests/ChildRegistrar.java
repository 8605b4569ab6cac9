package org.opennexus.samgr.zktests;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The child process of {@link TwoProcessesTest}: a separate JVM that registers services in a shared
 * registry, heartbeats them, watches every service and prints what happens, one line each:
 *
 * <ul>
 *   <li>{@code registered <name> <generation>} for each name given as an argument,
 *   <li>{@code event <type> <name> <generation>} for each event its watcher receives,
 *   <li>{@code ready} once every name is registered and heartbeats run,
 *   <li>{@code restarted <name> <generation>} after the command {@code restart <name>} on its
 *       standard input.
 * </ul>
 *
 * <p>Arguments: connect string, namespace, session timeout and liveness timeout in milliseconds,
 * names. It runs until its standard input ends, or until it is killed, which is the point.
 */
public final class ChildRegistrar {

  private ChildRegistrar() {}

  /**
   * Runs the child.
   *
   * @param args connect string, namespace, session timeout (ms), liveness timeout (ms), then the
   *     names to register
   * @throws Exception if the registry fails; the parent sees the stack trace on standard error
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Duration session = Duration.ofMillis(Long.parseLong(args[2]));
    Duration liveness = Duration.ofMillis(Long.parseLong(args[3]));
    Map<String, ServiceHandle> current = new ConcurrentHashMap<>();
    try (ServiceManager samgr =
        Zk.open(args[0], args[1], session, Duration.ofSeconds(10), liveness)) {
      samgr.watchAll(
          event -> {
            synchronized (out) {
              out.println(
                  "event "
                      + type(event)
                      + " "
                      + event.handle().name()
                      + " "
                      + event.handle().generation().value());
            }
          });
      for (int i = 4; i < args.length; i++) {
        ServiceHandle handle = samgr.register(args[i], Endpoint.of("child://" + args[i] + "/1"));
        current.put(args[i], handle);
        synchronized (out) {
          out.println("registered " + args[i] + " " + handle.generation().value());
        }
      }
      Thread beats =
          new Thread(
              () -> {
                while (true) {
                  for (ServiceHandle handle : current.values()) {
                    try {
                      samgr.heartbeat(handle);
                    } catch (SamgrError.StaleHandle e) {
                      // restarted meanwhile: the map holds the new handle already
                    } catch (SamgrError e) {
                      synchronized (out) {
                        out.println("heartbeat-failed " + handle.name() + " " + e);
                      }
                    }
                  }
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heartbeats");
      beats.setDaemon(true);
      beats.start();
      synchronized (out) {
        out.println("ready");
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("restart ")) {
          String name = line.substring("restart ".length());
          ServiceHandle handle = samgr.restart(name, Endpoint.of("child://" + name + "/2"));
          current.put(name, handle);
          synchronized (out) {
            out.println("restarted " + name + " " + handle.generation().value());
          }
        }
      }
      beats.interrupt();
    }
  }

  static String type(ServiceEvent event) {
    return event.getClass().getSimpleName();
  }
}
