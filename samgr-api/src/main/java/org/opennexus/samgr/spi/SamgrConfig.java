package org.opennexus.samgr.spi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Durations;
import org.opennexus.samgr.ServiceEvent;

/**
 * The settings a backend is opened with, as given to {@link org.opennexus.samgr.Samgr.Builder}.
 *
 * <p>Besides the settings every backend understands (the clock, the liveness timeout, how events
 * are delivered), a builder carries backend-specific settings as text, such as {@code
 * zookeeper.connect}. A backend reads them with {@link #setting(String)}, which falls back from the
 * builder to a system property and then to an environment variable, and parses them with the
 * methods of {@link Setting}, whose errors name the key and where its value came from.
 *
 * <p>An immutable value built with {@link #builder()} (or {@link #SamgrConfig(InstantSource,
 * Duration)} for the two settings every backend reads). New settings arrive as new accessors and
 * builder methods, so a backend compiled against an older version keeps working.
 */
public final class SamgrConfig {

  /** The liveness timeout used when none is set: 30 seconds. */
  public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(30);

  /** The prefix of the system property a setting falls back to: {@code samgr.}. */
  public static final String PROPERTY_PREFIX = "samgr.";

  /** The prefix of the environment variable a setting falls back to: {@code SAMGR_}. */
  public static final String VARIABLE_PREFIX = "SAMGR_";

  /** The default listener failure hook; an enum so that there is exactly one, named in logs. */
  private enum LoggingHook implements BiConsumer<ServiceEvent, Throwable> {
    INSTANCE;

    private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

    @Override
    public void accept(ServiceEvent event, Throwable failure) {
      LOG.log(Level.WARNING, () -> "samgr listener threw on " + event + ": " + failure, failure);
    }

    @Override
    public String toString() {
      return "log a warning (System.Logger org.opennexus.samgr)";
    }
  }

  /** Lower-case words joined by dots; a word may hold inner hyphens. */
  private static final Pattern KEY =
      Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*)*");

  private static final int MAX_KEY_LENGTH = 128;

  private final InstantSource clock;
  private final Duration livenessTimeout;
  private final Map<String, String> settings;
  private final @Nullable Executor executor;
  private final BiConsumer<ServiceEvent, Throwable> listenerFailures;

  private SamgrConfig(Builder builder) {
    this.clock = Arguments.requireNonNull(builder.clock, "clock");
    this.livenessTimeout = requireTimeout(builder.livenessTimeout);
    this.settings = Map.copyOf(builder.settings);
    this.executor = builder.executor;
    this.listenerFailures = builder.listenerFailures;
  }

  /**
   * Creates a configuration with no backend-specific settings, caller-runs delivery and listener
   * failures logged ({@link #loggingListenerFailures()}).
   *
   * @param clock the clock
   * @param livenessTimeout the liveness timeout
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code livenessTimeout} is zero or negative
   */
  public SamgrConfig(InstantSource clock, Duration livenessTimeout) {
    this(builder().clock(clock).livenessTimeout(livenessTimeout));
  }

  /**
   * Returns a builder with the defaults: the system clock, a liveness timeout of {@link
   * #DEFAULT_LIVENESS_TIMEOUT}, no settings, caller-runs delivery and listener failures logged.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default configuration: the system clock ({@link InstantSource#system()}), a
   * liveness timeout of {@link #DEFAULT_LIVENESS_TIMEOUT}, no settings, caller-runs delivery and
   * listener failures logged.
   *
   * @return the default configuration
   */
  public static SamgrConfig defaults() {
    return builder().build();
  }

  /**
   * Returns the clock that liveness is measured by.
   *
   * @return the clock
   */
  public InstantSource clock() {
    return clock;
  }

  /**
   * Returns how long after its last heartbeat a service stays alive.
   *
   * @return the liveness timeout, positive
   */
  public Duration livenessTimeout() {
    return livenessTimeout;
  }

  /**
   * Returns the builder's backend-specific settings, key to value; read them with {@link
   * #setting(String)}, which also falls back to properties and variables.
   *
   * @return the settings, unmodifiable
   */
  public Map<String, String> settings() {
    return settings;
  }

  /**
   * Returns the executor listeners run on.
   *
   * @return the executor, or {@code null} for delivery on a changing thread (caller-runs, the
   *     default)
   */
  public @Nullable Executor executor() {
    return executor;
  }

  /**
   * Returns the hook called with the event and the {@code Throwable} whenever a listener throws.
   *
   * @return the listener failure hook
   */
  public BiConsumer<ServiceEvent, Throwable> listenerFailures() {
    return listenerFailures;
  }

  /**
   * Tells whether {@code other} is a configuration with equal values of every setting (the clock,
   * executor and hook compared with their own {@code equals}).
   */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof SamgrConfig that
        && clock.equals(that.clock)
        && livenessTimeout.equals(that.livenessTimeout)
        && settings.equals(that.settings)
        && java.util.Objects.equals(executor, that.executor)
        && listenerFailures.equals(that.listenerFailures);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(clock, livenessTimeout, settings, executor, listenerFailures);
  }

  /** Names every setting; backend settings by key only, since their values may be secrets. */
  @Override
  public String toString() {
    return "SamgrConfig[clock="
        + clock
        + ", livenessTimeout="
        + livenessTimeout
        + ", settings="
        + settings.keySet()
        + ", executor="
        + executor
        + ", listenerFailures="
        + listenerFailures
        + "]";
  }

  /** Builds a {@link SamgrConfig}; every method checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private InstantSource clock = InstantSource.system();
    private Duration livenessTimeout = DEFAULT_LIVENESS_TIMEOUT;
    private final Map<String, String> settings = new HashMap<>();
    private @Nullable Executor executor;
    private BiConsumer<ServiceEvent, Throwable> listenerFailures = LoggingHook.INSTANCE;

    private Builder() {}

    /**
     * Sets the clock that liveness is measured by.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is {@code null}
     */
    public Builder clock(InstantSource clock) {
      this.clock = Arguments.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the liveness timeout.
     *
     * @param livenessTimeout how long after its last heartbeat a service stays alive
     * @return this builder
     * @throws NullPointerException if {@code livenessTimeout} is {@code null}
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder livenessTimeout(Duration livenessTimeout) {
      this.livenessTimeout = requireTimeout(livenessTimeout);
      return this;
    }

    /**
     * Adds backend-specific settings, replacing those with the same keys.
     *
     * @param settings key to value; copied
     * @return this builder
     * @throws NullPointerException if {@code settings} is {@code null} or holds a {@code null} key
     *     or value
     * @throws IllegalArgumentException if a key is not a valid key (see {@link
     *     #requireKey(String)}) or its value is empty
     */
    public Builder settings(Map<String, String> settings) {
      Arguments.requireNonNull(settings, "settings");
      settings.forEach(SamgrConfig::requireEntry);
      this.settings.putAll(settings);
      return this;
    }

    /**
     * Sets the executor listeners run on; {@code null} for caller-runs delivery (the default).
     *
     * @param executor the executor, or {@code null}
     * @return this builder
     */
    public Builder executor(@Nullable Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Sets the hook called with the event and the {@code Throwable} whenever a listener throws.
     *
     * @param listenerFailures the hook
     * @return this builder
     * @throws NullPointerException if {@code listenerFailures} is {@code null}
     */
    public Builder listenerFailures(BiConsumer<ServiceEvent, Throwable> listenerFailures) {
      this.listenerFailures = Arguments.requireNonNull(listenerFailures, "listenerFailures");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return a new, immutable configuration
     */
    public SamgrConfig build() {
      return new SamgrConfig(this);
    }
  }

  private static Duration requireTimeout(Duration livenessTimeout) {
    Arguments.requireNonNull(livenessTimeout, "livenessTimeout");
    if (livenessTimeout.isNegative() || livenessTimeout.isZero()) {
      throw new IllegalArgumentException(
          "livenessTimeout must be positive, but is " + livenessTimeout);
    }
    return livenessTimeout;
  }

  /**
   * The default listener failure hook: logs a warning, with the {@code Throwable}, through the
   * {@link System.Logger} named {@code org.opennexus.samgr}.
   *
   * @return the default hook; the same instance on every call
   */
  public static BiConsumer<ServiceEvent, Throwable> loggingListenerFailures() {
    return LoggingHook.INSTANCE;
  }

  /**
   * Returns the liveness timeout in whole milliseconds, rounded up, and saturated at {@link
   * Long#MAX_VALUE} for timeouts too long to count in milliseconds.
   *
   * @return the liveness timeout in milliseconds, at least 1
   */
  public long livenessTimeoutMillis() {
    try {
      long millis = livenessTimeout.toMillis();
      return livenessTimeout.equals(Duration.ofMillis(millis)) ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Looks a backend-specific setting up: the builder's value for {@code key}; if the builder has
   * none, the system property {@code samgr.}<i>key</i>; if that is not set, the environment
   * variable {@code SAMGR_}<i>KEY</i>, the key upper-cased with dots and hyphens as underscores
   * ({@code zookeeper.session-timeout} is read from {@code samgr.zookeeper.session-timeout}, then
   * from {@code SAMGR_ZOOKEEPER_SESSION_TIMEOUT}). An empty property or variable counts as not set.
   *
   * @param key the setting's key, such as {@code zookeeper.connect}
   * @return the setting with its value and source, or empty if none of the three has it
   * @throws NullPointerException if {@code key} is {@code null}
   * @throws IllegalArgumentException if {@code key} is not a valid key
   */
  public Optional<Setting> setting(String key) {
    return setting(key, System::getProperty, System::getenv);
  }

  /** As {@link #setting(String)}, reading properties and variables through the given lookups. */
  Optional<Setting> setting(
      String key,
      UnaryOperator<@Nullable String> properties,
      UnaryOperator<@Nullable String> variables) {
    requireKey(key);
    String value = settings.get(key);
    if (value != null) {
      return Optional.of(new Setting(key, value, "builder setting '" + key + "'"));
    }
    String property = PROPERTY_PREFIX + key;
    value = properties.apply(property);
    if (value != null && !value.isEmpty()) {
      return Optional.of(new Setting(key, value, "system property " + property));
    }
    String variable = variableName(key);
    value = variables.apply(variable);
    if (value != null && !value.isEmpty()) {
      return Optional.of(new Setting(key, value, "environment variable " + variable));
    }
    return Optional.empty();
  }

  /**
   * Returns the environment variable a setting falls back to: {@code SAMGR_} and the key
   * upper-cased, with dots and hyphens as underscores.
   *
   * @param key a valid key
   * @return the variable's name, such as {@code SAMGR_ZOOKEEPER_CONNECT}
   * @throws NullPointerException if {@code key} is {@code null}
   * @throws IllegalArgumentException if {@code key} is not a valid key
   */
  public static String variableName(String key) {
    requireKey(key);
    return VARIABLE_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Returns {@code key} if it is a valid setting key: 1 to 128 characters, lower-case words ({@code
   * [a-z][a-z0-9]*}, hyphens allowed inside a word) joined by single dots, such as {@code
   * zookeeper.session-timeout}.
   *
   * @param key the key to check
   * @return {@code key}
   * @throws NullPointerException if {@code key} is {@code null}
   * @throws IllegalArgumentException if {@code key} breaks the rule; the message says which
   */
  public static String requireKey(String key) {
    Arguments.requireNonNull(key, "key");
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "setting key must be 1 to " + MAX_KEY_LENGTH + " characters, but has " + key.length());
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "setting key '"
              + key
              + "' must be lower-case words (a-z, 0-9, inner hyphens) joined by"
              + " dots, such as zookeeper.session-timeout");
    }
    return key;
  }

  private static void requireEntry(String key, String value) {
    requireKey(key);
    Arguments.requireNonNull(value, "value of setting '" + key + "'");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("value of setting '" + key + "' must not be empty");
    }
  }

  /**
   * A backend-specific setting as found by {@link SamgrConfig#setting(String)}: its key, its text
   * and where the text came from, with parsers whose errors name all three.
   *
   * @param key the setting's key, such as {@code zookeeper.connect}
   * @param value the setting's text; not empty
   * @param source where the value came from, such as {@code system property
   *     samgr.zookeeper.connect}; used in error messages
   */
  public record Setting(String key, String value, String source) {

    /**
     * Creates a setting.
     *
     * @param key the key
     * @param value the value
     * @param source the source
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code key} is not a valid key or {@code value} is empty
     */
    public Setting {
      Arguments.requireNonNull(source, "source");
      requireEntry(key, value);
    }

    /**
     * Parses the value as a positive duration, in the syntax of {@link Durations}: a whole number
     * with a unit {@code ms}, {@code s}, {@code m} or {@code h} ({@code 15s}, {@code 500ms}), a
     * bare whole number of milliseconds ({@code 15000}), or ISO-8601 ({@code PT15S}).
     *
     * @return the duration; positive
     * @throws IllegalArgumentException if the value is not such a duration or is not positive; the
     *     message names the key, the source and the value
     */
    public Duration asDuration() {
      return Durations.parsePositive(value, "setting " + key + " (from " + source + ")");
    }

    /**
     * Parses the value as a decimal {@code long}.
     *
     * @return the number
     * @throws IllegalArgumentException if the value is not a decimal {@code long}; the message
     *     names the key, the source and the value
     */
    public long asLong() {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw invalid("is not a whole number");
      }
    }

    /**
     * Parses the value as a decimal {@code int}.
     *
     * @return the number
     * @throws IllegalArgumentException if the value is not a decimal {@code int}; the message names
     *     the key, the source and the value
     */
    public int asInt() {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw invalid(
            "is not a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
      }
    }

    /**
     * Parses the value as {@code true} or {@code false}, in any case.
     *
     * @return the value
     * @throws IllegalArgumentException if the value is neither; the message names the key, the
     *     source and the value
     */
    public boolean asBoolean() {
      if (value.equalsIgnoreCase("true")) {
        return true;
      }
      if (value.equalsIgnoreCase("false")) {
        return false;
      }
      throw invalid("must be true or false");
    }

    /**
     * Returns an error for a value that a backend's own check rejects, naming the key, the source
     * and the value (shortened to 200 characters): {@code setting zookeeper.connect (from system
     * property samgr.zookeeper.connect) 'x' is not a host:port list}.
     *
     * @param why what is wrong with the value, completing the sentence "'value' ..."
     * @return the exception, for the caller to throw
     * @throws NullPointerException if {@code why} is {@code null}
     */
    public IllegalArgumentException invalid(String why) {
      Arguments.requireNonNull(why, "why");
      String shown = value.length() <= 200 ? value : value.substring(0, 200) + "...";
      return new IllegalArgumentException(
          "setting " + key + " (from " + source + ") '" + shown + "' " + why);
    }
  }
}
