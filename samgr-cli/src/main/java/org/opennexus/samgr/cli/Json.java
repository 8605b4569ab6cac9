package org.opennexus.samgr.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/** The JSON shapes of samgr's values, written with jackson-jr (never by concatenation). */
final class Json {

  private Json() {}

  /** {@code {"name", "endpoint", "generation"}}. */
  static Map<String, Object> handle(ServiceHandle handle) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", handle.name());
    json.put("endpoint", handle.endpoint().address());
    json.put("generation", handle.generation().value());
    return json;
  }

  /** A handle plus {@code alive} and {@code lastHeartbeat} (ISO-8601). */
  static Map<String, Object> liveness(Liveness liveness) {
    Map<String, Object> json = handle(liveness.handle());
    json.put("alive", liveness.alive());
    json.put("lastHeartbeat", liveness.lastHeartbeat().toString());
    return json;
  }

  /** {@code {"event", "name", "endpoint", "generation", "at"}}; {@code at} is when it was seen. */
  static Map<String, Object> event(ServiceEvent event, Instant seen) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("event", kind(event));
    json.putAll(handle(event.handle()));
    json.put("at", seen.toString());
    return json;
  }

  /** {@code registered}, {@code restarted}, {@code unregistered} or {@code expired}. */
  static String kind(ServiceEvent event) {
    return event.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** One line of JSON. */
  static String write(Object value) {
    try {
      return JSON.std.asString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
