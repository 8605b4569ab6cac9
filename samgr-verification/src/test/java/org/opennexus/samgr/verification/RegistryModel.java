package org.opennexus.samgr.verification;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.verification.Outcome.Rule;

/**
 * The sequential specification of a samgr registry: a sorted map and a counter, written from
 * docs/user-guide.md and the {@code ServiceManager} Javadoc, not from the host backend's code.
 *
 * <p>Each method returns the {@link Outcome} the real call must have, and records the events a
 * {@code watchAll} must receive ({@link #events()}). Checks follow the documented precedence:
 * {@code null} and bad arguments in parameter order, then a closed registry, then the registry
 * outcome. The argument rules are re-implemented here ({@link #textRule}) so that the model is an
 * independent oracle for {@code Arguments} too. Not thread-safe.
 */
// The precondition checks (first(...)) prove the arguments non-null before use; NullAway cannot
// follow that, so it is silenced for this class alone.
@SuppressWarnings("NullAway")
final class RegistryModel {

  static final int MAX_NAME = 256;
  static final int MAX_ADDRESS = 4096;

  private static final class Entry {
    final ServiceHandle handle;
    long lastBeat;

    /**
     * Whether Expired was sent since the last heartbeat: then it is not alive, whatever the time.
     */
    boolean announced;

    Entry(ServiceHandle handle, long now) {
      this.handle = handle;
      this.lastBeat = now;
    }

    Entry copy() {
      Entry copy = new Entry(handle, lastBeat);
      copy.announced = announced;
      return copy;
    }

    @Override
    public String toString() {
      return handle.generation().value() + "@" + lastBeat + (announced ? " announced" : "");
    }
  }

  private final TreeMap<String, Entry> services = new TreeMap<>();
  private final long timeoutMillis;
  private final List<ServiceHandle> issued = new ArrayList<>();
  private final List<ServiceEvent> events = new ArrayList<>();
  private long lastGeneration;
  private final String environment;
  private long now;
  private boolean closed;

  RegistryModel(Instant start, Duration livenessTimeout) {
    this(start, livenessTimeout, "host");
  }

  /** A model of a registry whose {@code environment()} is {@code environment}. */
  RegistryModel(Instant start, Duration livenessTimeout, String environment) {
    this.now = start.toEpochMilli();
    this.timeoutMillis = livenessTimeout.toMillis();
    this.environment = environment;
  }

  private RegistryModel(RegistryModel from) {
    this.timeoutMillis = from.timeoutMillis;
    this.environment = from.environment;
    from.services.forEach((name, entry) -> services.put(name, entry.copy()));
    issued.addAll(from.issued);
    events.addAll(from.events);
    lastGeneration = from.lastGeneration;
    now = from.now;
    closed = from.closed;
  }

  /** An independent copy, for a search that tries several orders from one state. */
  RegistryModel copy() {
    return new RegistryModel(this);
  }

  /**
   * Everything that decides the model's future outcomes and events, as a string: two models with
   * equal states answer every later operation alike (the issued handles only feed generators).
   */
  String state() {
    return services
        + " g"
        + lastGeneration
        + " t"
        + now
        + (closed ? " closed" : "")
        + " e"
        + events.size();
  }

  // ---- the argument rules ----

  /** The rule {@code text} breaks as a name or address of at most {@code max} units, or null. */
  static @Nullable Rule textRule(String text, int max) {
    if (text.isEmpty() || text.length() > max) {
      return Rule.LENGTH;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
        return Rule.CONTROL;
      }
      if (c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT) {
        return Rule.INVISIBLE; // format characters (Cf) and the line and paragraph separators
      }
      boolean high = c >= 0xD800 && c <= 0xDBFF;
      boolean low = c >= 0xDC00 && c <= 0xDFFF;
      int codePoint = c;
      if (high && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next >= 0xDC00 && next <= 0xDFFF) {
          codePoint = Character.toCodePoint(c, next);
          if (Character.getType(codePoint) == Character.FORMAT) {
            return Rule.INVISIBLE; // such as the tag characters U+E0001 to U+E007F
          }
        }
      }
      if (codePoint == c && (high || low)) {
        return Rule.SURROGATE;
      }
      Rule rule = codePointRule(codePoint, i);
      if (rule != null) {
        return rule;
      }
      i += Character.charCount(codePoint) - 1;
    }
    return null;
  }

  /** The rule a well-formed code point that is no control or format character breaks, or null. */
  private static @Nullable Rule codePointRule(int codePoint, int index) {
    for (int[] range : NameCharactersTest.DEFAULT_IGNORABLE) {
      if (codePoint >= range[0] && codePoint <= range[1]) {
        return Rule.IGNORABLE;
      }
    }
    if (codePoint == 0x2800) {
      return Rule.BLANK;
    }
    int type = Character.getType(codePoint);
    boolean mark =
        type == Character.NON_SPACING_MARK
            || type == Character.COMBINING_SPACING_MARK
            || type == Character.ENCLOSING_MARK;
    return index == 0 && mark ? Rule.LEADING_MARK : null;
  }

  /** The outcome of checking a name, or {@code null} if it is valid. */
  static @Nullable Outcome checkName(@Nullable String name) {
    return checkText(name, "name", MAX_NAME);
  }

  static @Nullable Outcome checkText(@Nullable String text, String parameter, int max) {
    if (text == null) {
      return new Outcome.NullArgument(parameter);
    }
    Rule rule = textRule(text, max);
    return rule == null ? null : new Outcome.BadArgument(parameter, rule);
  }

  private @Nullable Outcome checkOpen() {
    return closed ? new Outcome.Closed() : null;
  }

  private static @Nullable Outcome first(@Nullable Outcome... checks) {
    for (Outcome check : checks) {
      if (check != null) {
        return check;
      }
    }
    return null;
  }

  private static @Nullable Outcome nonNull(@Nullable Object value, String parameter) {
    return value == null ? new Outcome.NullArgument(parameter) : null;
  }

  // ---- the registry ----

  /** Every handle this model has issued, current or not (for generating stale handles). */
  List<ServiceHandle> issued() {
    return issued;
  }

  /**
   * The events a {@code watchAll} subscribed when the registry opened has received so far: one per
   * change, in the order of the changes.
   */
  List<ServiceEvent> events() {
    return events;
  }

  boolean isClosed() {
    return closed;
  }

  List<ServiceHandle> snapshot() {
    List<ServiceHandle> handles = new ArrayList<>();
    services.values().forEach(e -> handles.add(e.handle));
    return List.copyOf(handles);
  }

  private ServiceHandle issue(String name, Endpoint endpoint, boolean restart) {
    ServiceHandle handle = new ServiceHandle(name, endpoint, new Generation(++lastGeneration));
    services.put(name, new Entry(handle, now));
    issued.add(handle);
    events.add(restart ? new ServiceEvent.Restarted(handle) : new ServiceEvent.Registered(handle));
    return handle;
  }

  Outcome register(@Nullable String name, @Nullable Endpoint endpoint) {
    Outcome error = first(checkName(name), nonNull(endpoint, "endpoint"), checkOpen());
    if (error != null) {
      return error;
    }
    if (services.containsKey(name)) {
      return new Outcome.Duplicate(name);
    }
    return new Outcome.Value(issue(name, endpoint, false));
  }

  Outcome resolve(@Nullable String name) {
    Outcome error = first(checkName(name), checkOpen());
    if (error != null) {
      return error;
    }
    Entry entry = services.get(name);
    return entry == null ? new Outcome.NotFound(name) : new Outcome.Value(entry.handle);
  }

  Outcome find(@Nullable String name) {
    Outcome error = first(checkName(name), checkOpen());
    if (error != null) {
      return error;
    }
    Entry entry = services.get(name);
    return new Outcome.Value(entry == null ? Optional.empty() : Optional.of(entry.handle));
  }

  /** The entry {@code handle} is current for, or the outcome that says why not. */
  private Object current(ServiceHandle handle) {
    Entry entry = services.get(handle.name());
    if (entry == null) {
      return new Outcome.NotFound(handle.name());
    }
    if (!entry.handle.generation().equals(handle.generation())) {
      return new Outcome.Stale(handle, entry.handle.generation());
    }
    return entry;
  }

  Outcome heartbeat(@Nullable ServiceHandle handle) {
    Outcome error = first(nonNull(handle, "handle"), checkOpen());
    if (error != null) {
      return error;
    }
    Object found = current(handle);
    if (found instanceof Outcome outcome) {
      return outcome;
    }
    Entry entry = (Entry) found;
    markExpired(entry); // expired unnoticed: announced first, then revived
    entry.lastBeat = Math.max(entry.lastBeat, now);
    entry.announced = false;
    return new Outcome.Value(null);
  }

  Outcome restart(@Nullable String name, @Nullable Endpoint endpoint) {
    Outcome error = first(checkName(name), nonNull(endpoint, "endpoint"), checkOpen());
    if (error != null) {
      return error;
    }
    if (!services.containsKey(name)) {
      return new Outcome.NotFound(name);
    }
    return new Outcome.Value(issue(name, endpoint, true));
  }

  Outcome restart(@Nullable ServiceHandle current, @Nullable Endpoint endpoint) {
    Outcome error = first(nonNull(current, "current"), nonNull(endpoint, "endpoint"), checkOpen());
    if (error != null) {
      return error;
    }
    Object found = current(current);
    if (found instanceof Outcome outcome) {
      return outcome;
    }
    return new Outcome.Value(issue(current.name(), endpoint, true));
  }

  Outcome unregister(@Nullable ServiceHandle handle) {
    Outcome error = first(nonNull(handle, "handle"), checkOpen());
    if (error != null) {
      return error;
    }
    Object found = current(handle);
    if (found instanceof Outcome outcome) {
      return outcome;
    }
    Entry removed = services.remove(handle.name());
    events.add(new ServiceEvent.Unregistered(removed.handle));
    return new Outcome.Value(null);
  }

  Outcome services() {
    Outcome error = checkOpen();
    return error != null ? error : new Outcome.Value(snapshot());
  }

  Outcome liveness(@Nullable String name) {
    Outcome error = first(checkName(name), checkOpen());
    if (error != null) {
      return error;
    }
    Entry entry = services.get(name);
    if (entry == null) {
      return new Outcome.NotFound(name);
    }
    boolean alive = !entry.announced && now - entry.lastBeat <= timeoutMillis;
    markExpired(entry);
    return new Outcome.Value(
        new Liveness(entry.handle, Instant.ofEpochMilli(entry.lastBeat), alive));
  }

  Outcome sweepExpired() {
    Outcome error = checkOpen();
    if (error != null) {
      return error;
    }
    List<ServiceHandle> expired = new ArrayList<>();
    for (Entry entry : services.values()) {
      if (markExpired(entry)) {
        expired.add(entry.handle);
      }
    }
    return new Outcome.Value(List.copyOf(expired));
  }

  /**
   * Whether {@code Expired} is due for the entry now: it turned from alive to not alive and no
   * Expired says so yet. Records that it was sent; only a heartbeat or a restart makes the service
   * alive again (a clock that steps back does not).
   */
  private boolean markExpired(Entry entry) {
    if (!entry.announced && now - entry.lastBeat > timeoutMillis) {
      entry.announced = true;
      events.add(new ServiceEvent.Expired(entry.handle));
      return true;
    }
    return false;
  }

  /** {@code await} with a zero or negative timeout: it never waits. */
  Outcome await(@Nullable String name, @Nullable Duration timeout) {
    Outcome error = first(checkName(name), nonNull(timeout, "timeout"));
    if (error != null) {
      return error;
    }
    if (timeout.isNegative()) {
      return new Outcome.BadArgument("timeout", Rule.NEGATIVE);
    }
    Outcome closedError = checkOpen();
    if (closedError != null) {
      return closedError;
    }
    Entry entry = services.get(name);
    return entry == null ? new Outcome.NotFound(name) : new Outcome.Value(entry.handle);
  }

  /** {@code watch} with a listener: what matters here is which argument errors it throws. */
  Outcome watch(@Nullable String name, boolean nullListener) {
    Outcome error =
        first(
            checkName(name),
            nullListener ? new Outcome.NullArgument("listener") : null,
            checkOpen());
    return error != null ? error : new Outcome.Value(Op.SUBSCRIBED);
  }

  Outcome close() {
    closed = true;
    services.clear();
    return new Outcome.Value(null);
  }

  Outcome environment() {
    return new Outcome.Value(environment);
  }

  /** Moves the model's clock to {@code millis} (epoch milliseconds). */
  void setNow(long millis) {
    now = millis;
  }

  long now() {
    return now;
  }

  // ---- the value types ----

  static Outcome endpoint(@Nullable String address) {
    Outcome error = checkText(address, "address", MAX_ADDRESS);
    return error != null ? error : new Outcome.Value(new Endpoint(address));
  }

  static Outcome generation(long value) {
    return value < 1
        ? new Outcome.BadArgument("generation", Rule.BELOW_ONE)
        : new Outcome.Value(new Generation(value));
  }

  static Outcome handle(
      @Nullable String name, @Nullable Endpoint endpoint, @Nullable Generation generation) {
    Outcome error =
        first(checkName(name), nonNull(endpoint, "endpoint"), nonNull(generation, "generation"));
    return error != null ? error : new Outcome.Value(new ServiceHandle(name, endpoint, generation));
  }
}
