package org.opennexus.samgr;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.Arguments;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * Opens a {@link ServiceManager} from the backend that the module path (or class path) provides.
 *
 * <p>This mirrors how Open Nexus OS picks its service manager at compile time with {@code --cfg
 * nexus_env="host"|"os"}: here the choice is made by which backend module is present, found with
 * {@link java.util.ServiceLoader} through {@link SamgrBackend}. {@link #open()} chooses as follows:
 *
 * <ol>
 *   <li>If the system property {@value Selection#PROPERTY} is set (else the environment variable
 *       {@value Selection#VARIABLE}), the backend with that environment name is used; if none has
 *       it, opening fails. An empty value counts as not set.
 *   <li>Otherwise, if exactly one backend is present, it is used.
 *   <li>No backend: opening fails, saying which module to add ({@code samgr-host} for tests, {@code
 *       samgr-os-stub} for OS builds).
 *   <li>Several backends and no selection: opening fails, listing them and naming the property that
 *       selects one.
 * </ol>
 *
 * <p>{@link #open(String)} and {@link Builder#environment(String)} name the environment explicitly
 * and take precedence over the property and the variable. A failure to choose is a configuration
 * error, reported as {@link IllegalStateException} with a message that says what to do. A provider
 * that cannot be loaded or constructed is named in that message and never hides the others; if a
 * usable backend is chosen anyway, the broken provider is logged as a warning ({@link
 * System.Logger} {@code org.opennexus.samgr}).
 *
 * <p>Providers are looked up with the class loader that loaded this class, on every call: each
 * {@code open} returns a new, independent registry that shares nothing with any other.
 *
 * <p>All methods are thread-safe.
 */
public final class Samgr {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

  private Samgr() {}

  /**
   * Opens a new registry from the backend the environment selects, with the default settings. Same
   * as {@code Samgr.builder().open()}.
   *
   * @return a new registry
   * @throws IllegalStateException if no single backend is selected, or the backend fails to open
   */
  public static ServiceManager open() {
    return builder().open();
  }

  /**
   * Opens a new registry from the backend with the given environment name, with the default
   * settings. Same as {@code Samgr.builder().environment(environment).open()}.
   *
   * @param environment the backend's environment name, such as {@code "host"}
   * @return a new registry
   * @throws NullPointerException if {@code environment} is {@code null}
   * @throws IllegalArgumentException if {@code environment} is empty
   * @throws IllegalStateException if no backend, or more than one, has that name, or the backend
   *     fails to open
   */
  public static ServiceManager open(String environment) {
    return builder().environment(environment).open();
  }

  /**
   * Returns the environment names of the backends present, sorted and without repeats. Providers
   * that fail to load are left out.
   *
   * @return an unmodifiable list of environment names; empty if no backend is present
   */
  public static List<String> environments() {
    return Selection.environments(Selection.discover(loader()));
  }

  /**
   * Returns a builder for a registry with settings other than the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Samgr's own loader; the system loader should Samgr ever be on the boot class path. */
  private static ClassLoader loader() {
    return Objects.requireNonNullElseGet(
        Samgr.class.getClassLoader(), ClassLoader::getSystemClassLoader);
  }

  /**
   * Settings for opening a registry. A builder may be reused: each {@link #open()} opens a new
   * registry with the settings as they are then. Builders are not thread-safe.
   */
  public static final class Builder {
    private @Nullable String environment;
    private InstantSource clock = InstantSource.system();
    private Duration livenessTimeout = SamgrConfig.DEFAULT_LIVENESS_TIMEOUT;
    private @Nullable Executor executor;
    private BiConsumer<ServiceEvent, Throwable> listenerFailures =
        SamgrConfig.loggingListenerFailures();
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Selects the backend by environment name, overriding {@code nexus.env} and {@code NEXUS_ENV}.
     *
     * @param environment the backend's environment name, such as {@code "host"}
     * @return this builder
     * @throws NullPointerException if {@code environment} is {@code null}
     * @throws IllegalArgumentException if {@code environment} is empty
     */
    public Builder environment(String environment) {
      Arguments.requireNonNull(environment, "environment");
      if (environment.isEmpty()) {
        throw new IllegalArgumentException("environment must not be empty");
      }
      this.environment = environment;
      return this;
    }

    /**
     * Sets the clock that liveness is measured by. Tests pass a manual clock and advance it to make
     * liveness deterministic. Default: {@link InstantSource#system()}.
     *
     * <p>The registry reads it in epoch milliseconds and accepts readings from {@link
     * org.opennexus.samgr.spi.LivenessClock#MIN_MILLIS} to {@link
     * org.opennexus.samgr.spi.LivenessClock#MAX_MILLIS} (about 146 million years either side of
     * 1970), where its liveness arithmetic is exact; an operation that reads the clock outside that
     * range ({@link java.time.Instant#MAX}, say) throws {@link java.time.DateTimeException} and
     * changes nothing.
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
     * Sets how long after its last heartbeat a service stays alive. Default: 30 seconds.
     *
     * @param livenessTimeout the timeout; positive
     * @return this builder
     * @throws NullPointerException if {@code livenessTimeout} is {@code null}
     * @throws IllegalArgumentException if {@code livenessTimeout} is zero or negative
     */
    public Builder livenessTimeout(Duration livenessTimeout) {
      this.livenessTimeout = new SamgrConfig(clock, livenessTimeout).livenessTimeout();
      return this;
    }

    /**
     * Runs listeners on {@code executor}, never on a thread that changes the registry, so that a
     * slow listener never delays a writer. Each subscription still receives its events one at a
     * time, in the order the changes took effect, none lost and none twice; different subscriptions
     * may run at the same time on different threads of the executor. Each subscription has at most
     * one task queued or running; a task delivers at most 64 events and then submits a fresh one,
     * so subscriptions that share a small pool all progress. If the executor rejects a task, no
     * event is lost: the rejection goes to {@link #listenerFailures} with the first waiting event,
     * the events stay queued, and the next change to that subscription retries. The caller owns the
     * executor: closing the registry does not shut it down.
     *
     * <p>Not set (the default): listeners run on a thread that changes the registry, after the
     * change has taken effect and with no lock held. See {@link ServiceManager#watch} for what that
     * costs a writer.
     *
     * @param executor the executor listeners run on
     * @return this builder
     * @throws NullPointerException if {@code executor} is {@code null}
     */
    public Builder executor(Executor executor) {
      this.executor = Arguments.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets what happens when a listener throws: {@code hook} is called with the event and the
     * {@code Throwable} (of any kind, checked exceptions thrown sneakily included), on the thread
     * that ran the listener. The writer never sees a listener's exception, and later events still
     * reach that listener and every other. If the hook itself throws, that is logged and ignored.
     * The hook also receives an executor's rejection of a delivery task and the {@link
     * org.opennexus.samgr.spi.BacklogOverflowException} of a subscription closed for falling {@code
     * delivery.max-backlog} events behind, on the thread that made the change. A harness can
     * collect what it receives and fail the test with it. Default: {@link
     * SamgrConfig#loggingListenerFailures()}, a warning through {@link System.Logger} {@code
     * org.opennexus.samgr}.
     *
     * @param hook called with the event and what the listener threw
     * @return this builder
     * @throws NullPointerException if {@code hook} is {@code null}
     */
    public Builder listenerFailures(BiConsumer<ServiceEvent, Throwable> hook) {
      this.listenerFailures = Arguments.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Sets a backend-specific setting, such as {@code zookeeper.connect}. A backend that does not
     * know the key ignores it. A backend reads a key from here first, then from the system property
     * {@code samgr.}<i>key</i>, then from the environment variable {@code SAMGR_}<i>KEY</i> (see
     * {@link SamgrConfig#setting(String)}); a bad value is an {@link IllegalArgumentException} from
     * {@link #open()} that names the key and where it came from. Setting a key again replaces its
     * value.
     *
     * @param key lower-case words joined by dots, such as {@code zookeeper.session-timeout}
     * @param value the setting's text; not empty
     * @return this builder
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code key} is not a valid key ({@link
     *     SamgrConfig#requireKey(String)}) or {@code value} is empty
     */
    public Builder setting(String key, String value) {
      SamgrConfig.requireKey(key);
      Arguments.requireNonNull(value, "value");
      if (value.isEmpty()) {
        throw new IllegalArgumentException("value of setting '" + key + "' must not be empty");
      }
      settings.put(key, value);
      return this;
    }

    /**
     * Opens a new registry from the selected backend with these settings.
     *
     * @return a new registry
     * @throws IllegalStateException if no single backend is selected (see {@link Samgr}), or the
     *     backend fails to open
     * @throws IllegalArgumentException if the backend finds a bad value in a setting; the message
     *     names the key and where the value came from
     */
    public ServiceManager open() {
      return open(loader());
    }

    /** As {@link #open()}, looking providers up with {@code loader}; tests pass their own. */
    ServiceManager open(ClassLoader loader) {
      Selection.Candidates candidates = Selection.discover(loader);
      Selection.Request request =
          Selection.request(
              environment,
              System.getProperty(Selection.PROPERTY),
              System.getenv(Selection.VARIABLE));
      Selection.Found chosen = Selection.choose(request, candidates);
      for (Selection.Broken broken : candidates.broken()) {
        LOG.log(
            Level.WARNING,
            () ->
                "samgr provider "
                    + broken.provider()
                    + " failed to load; using "
                    + chosen.describe(),
            broken.cause());
      }
      return openBackend(
          chosen,
          SamgrConfig.builder()
              .clock(clock)
              .livenessTimeout(livenessTimeout)
              .settings(settings)
              .executor(executor)
              .listenerFailures(listenerFailures)
              .build());
    }
  }

  /** Opens the chosen backend, turning its failures into errors that name it. */
  static ServiceManager openBackend(Selection.Found chosen, SamgrConfig config) {
    ServiceManager manager;
    try {
      manager = chosen.backend().open(config);
    } catch (IllegalArgumentException badSetting) {
      throw badSetting; // names the key and its source already; a bad value, not a broken backend
    } catch (RuntimeException
        | LinkageError e) { // LinkageError: a class the backend needs is missing
      throw new IllegalStateException(
          "samgr backend " + chosen.describe() + " failed to open: " + e, e);
    }
    if (manager == null) {
      throw new IllegalStateException(
          "samgr backend " + chosen.describe() + " returned null from open");
    }
    return manager;
  }
}
