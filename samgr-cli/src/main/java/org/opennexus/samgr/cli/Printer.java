package org.opennexus.samgr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/** Writes results for people (aligned, relative times) or, with {@code --json}, for scripts. */
final class Printer {

  private static final String[] COLUMNS = {
    "NAME", "ENDPOINT", "GENERATION", "ALIVE", "LAST HEARTBEAT"
  };

  private final PrintWriter out;
  private final boolean json;
  private final InstantSource clock;

  Printer(PrintWriter out, boolean json, InstantSource clock) {
    this.out = out;
    this.json = json;
    this.clock = clock;
  }

  /**
   * One handle: {@code VERB NAME generation G at ENDPOINT}, or its JSON object. NAME and ENDPOINT
   * are shown as {@link Quoting} says, so a name cannot pass for the fields after it.
   */
  void handle(String verb, ServiceHandle handle) {
    if (json) {
      out.println(Json.write(Json.handle(handle)));
    } else {
      out.println(describe(verb, handle));
    }
  }

  /** Several handles: one line each (or {@code none} when empty), or a JSON array. */
  void handles(String verb, List<ServiceHandle> handles, String none) {
    if (json) {
      List<Map<String, Object>> array = new ArrayList<>();
      handles.forEach(h -> array.add(Json.handle(h)));
      out.println(Json.write(array));
    } else if (handles.isEmpty()) {
      out.println(none);
    } else {
      handles.forEach(h -> out.println(describe(verb, h)));
    }
  }

  /** The service table of {@code samgr list}, or a JSON array of objects. */
  void services(List<Liveness> services) {
    if (json) {
      List<Map<String, Object>> array = new ArrayList<>();
      services.forEach(l -> array.add(Json.liveness(l)));
      out.println(Json.write(array));
      return;
    }
    if (services.isEmpty()) {
      out.println("no services registered");
      return;
    }
    Instant now = clock.instant();
    List<String[]> rows = new ArrayList<>();
    rows.add(COLUMNS);
    for (Liveness l : services) {
      rows.add(
          new String[] {
            Quoting.quote(l.handle().name()),
            Quoting.quote(l.handle().endpoint().address()),
            Long.toString(l.handle().generation().value()),
            l.alive() ? "alive" : "expired",
            ago(l.lastHeartbeat(), now)
          });
    }
    int[] widths = new int[COLUMNS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }

  /** One event of {@code samgr watch}, stamped with the time it was seen, flushed at once. */
  void event(ServiceEvent event) {
    Instant now = clock.instant();
    if (json) {
      out.println(Json.write(Json.event(event, now)));
    } else {
      out.println(
          now.truncatedTo(ChronoUnit.MILLIS)
              + "  "
              + String.format("%-12s ", Json.kind(event))
              + describe("", event.handle()));
    }
    out.flush();
  }

  /** A line for people; in JSON mode {@code value} is written instead. */
  void message(String text, Map<String, Object> value) {
    out.println(json ? Json.write(value) : text);
    out.flush();
  }

  void flush() {
    out.flush();
  }

  /**
   * Whether writing has failed: whatever read the output has gone (a closed pipe, as in {@code
   * samgr watch --json | head -1}). Flushes first.
   */
  boolean failed() {
    return out.checkError();
  }

  private static String describe(String verb, ServiceHandle handle) {
    return (verb.isEmpty() ? "" : verb + " ")
        + Quoting.quote(handle.name())
        + " generation "
        + handle.generation().value()
        + " at "
        + Quoting.quote(handle.endpoint().address());
  }

  /** {@code just now}, {@code 42s ago}, {@code 3m 5s ago}, {@code 2h 1m ago}, {@code 3d ago}. */
  static String ago(Instant then, Instant now) {
    long s = Duration.between(then, now).toMillis() / 1000;
    if (s == 0) {
      return "just now";
    }
    return s < 0 ? "in " + span(-s) : span(s) + " ago";
  }

  private static String span(long s) {
    if (s < 60) {
      return s + "s";
    } else if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    } else if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d";
  }
}
