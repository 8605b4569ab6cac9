package org.opennexus.samgr;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.Arguments;

/**
 * A registry outcome the caller must handle: exactly one of {@link Duplicate}, {@link NotFound},
 * {@link StaleHandle}, {@link Unsupported}, {@link Unavailable} or {@link Denied}. The last two
 * come only from shared backends (such as {@code zookeeper}); in-process backends never throw them.
 *
 * <p>The hierarchy is checked and sealed on purpose: the Rust original returns {@code Result<T,
 * Error>}, and a checked, closed set keeps "the caller must handle it" while letting Java 21+
 * callers {@code switch} over it exhaustively:
 *
 * <pre>{@code
 * try {
 *   manager.heartbeat(handle);
 * } catch (SamgrError e) {
 *   String what = switch (e) {
 *     case SamgrError.NotFound n -> "gone: " + n.name();
 *     case SamgrError.StaleHandle s -> "restarted as " + s.current();
 *     case SamgrError.Duplicate d -> "taken: " + d.name();
 *     case SamgrError.Unsupported u -> "not on " + u.environment();
 *     case SamgrError.Unavailable u -> "unreachable, retry: " + u.operation();
 *     case SamgrError.Denied d -> "not allowed: " + d.operation();
 *   };
 * }
 * }</pre>
 *
 * <p>Bad input is not a registry outcome: it throws unchecked exceptions (see the package
 * documentation). Each case carries the values its message names, so code never parses messages.
 */
public abstract sealed class SamgrError extends Exception
    permits SamgrError.Duplicate,
        SamgrError.NotFound,
        SamgrError.StaleHandle,
        SamgrError.Unsupported,
        SamgrError.Unavailable,
        SamgrError.Denied {

  private static final long serialVersionUID = 1L;

  private SamgrError(String message) {
    super(message);
  }

  private SamgrError(String message, Throwable cause) {
    super(message, Arguments.requireNonNull(cause, "cause"));
  }

  /** {@code register} was given a name that is already registered. */
  public static final class Duplicate extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** The name. */
    private final String name;

    /**
     * Creates the error.
     *
     * @param name the name that is already registered
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public Duplicate(String name) {
      super(
          "a service named '" + Arguments.requireNonNull(name, "name") + "' is already registered");
      this.name = name;
    }

    /**
     * The name that is already registered.
     *
     * @return the name
     */
    public String name() {
      return name;
    }
  }

  /** No service is registered under the name. */
  public static final class NotFound extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** The name. */
    private final String name;

    /**
     * Creates the error for a name that is not registered.
     *
     * @param name the name that was looked up
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public NotFound(String name) {
      super("no service named '" + Arguments.requireNonNull(name, "name") + "' is registered");
      this.name = name;
    }

    /**
     * Creates the error for {@link ServiceManager#await} when the name was not registered in time.
     *
     * @param name the name that was awaited
     * @param timeout how long the caller waited
     * @throws NullPointerException if an argument is {@code null}
     */
    public NotFound(String name, Duration timeout) {
      super(
          "no service named '"
              + Arguments.requireNonNull(name, "name")
              + "' was registered within the timeout of "
              + Arguments.requireNonNull(timeout, "timeout"));
      this.name = name;
    }

    /**
     * The name that is not registered.
     *
     * @return the name
     */
    public String name() {
      return name;
    }
  }

  /**
   * A handle's generation is not the current one: the service was restarted (or unregistered and
   * registered again) since the handle was issued.
   */
  public static final class StaleHandle extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** The stale handle. */
    private final ServiceHandle handle;

    /** The current generation. */
    private final Generation current;

    /**
     * Creates the error.
     *
     * @param handle the handle that was presented
     * @param current the service's current generation
     * @throws NullPointerException if an argument is {@code null}
     */
    public StaleHandle(ServiceHandle handle, Generation current) {
      super(
          "stale handle for '"
              + Arguments.requireNonNull(handle, "handle").name()
              + "': generation "
              + handle.generation().value()
              + " is not the current generation "
              + Arguments.requireNonNull(current, "current").value());
      this.handle = handle;
      this.current = current;
    }

    /**
     * The handle that was presented.
     *
     * @return the stale handle
     */
    public ServiceHandle handle() {
      return handle;
    }

    /**
     * The service's generation when the handle was rejected.
     *
     * @return the current generation
     */
    public Generation current() {
      return current;
    }
  }

  /** The backend cannot perform the operation (the {@code os} backend performs none). */
  public static final class Unsupported extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** The operation. */
    private final String operation;

    /** The environment. */
    private final String environment;

    /**
     * Creates the error.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "os"}
     * @throws NullPointerException if an argument is {@code null}
     */
    public Unsupported(String operation, String environment) {
      super(
          "operation '"
              + Arguments.requireNonNull(operation, "operation")
              + "' is not supported by the '"
              + Arguments.requireNonNull(environment, "environment")
              + "' samgr backend");
      this.operation = operation;
      this.environment = environment;
    }

    /**
     * The operation that is not supported.
     *
     * @return the operation's method name
     */
    public String operation() {
      return operation;
    }

    /**
     * The environment of the backend that refused.
     *
     * @return the environment name
     */
    public String environment() {
      return environment;
    }
  }

  /**
   * A shared backend could not complete the operation with its engine (for {@code zookeeper}, the
   * ensemble): it could not reach it within its operation timeout, the calling thread was
   * interrupted while the operation waited (then the cause is the {@link InterruptedException}, the
   * message says so, and the thread's interrupt flag stays set), or the engine answered with
   * something that stops the operation, such as data it cannot read or a request over its size
   * limit; {@link #reason()} says which, and the message names what was found and what to do. For a
   * change ({@code register}, {@code restart}, {@code unregister}), whether it took effect is
   * unknown unless the reason says otherwise: resolve the name to find out. In-process backends
   * never throw it.
   */
  public static final class Unavailable extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** What {@link #reason()} says when the engine did not answer in time. */
    private static final String UNREACHABLE = "could not reach the engine within its timeout";

    /** What {@link #reason()} says when the waiting thread was interrupted. */
    private static final String INTERRUPTED = "interrupted before it completed";

    /** The operation. */
    private final String operation;

    /** The environment. */
    private final String environment;

    /** What went wrong. */
    private final String reason;

    /**
     * Creates the error.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "zookeeper"}
     * @throws NullPointerException if an argument is {@code null}
     */
    public Unavailable(String operation, String environment) {
      super(unavailableMessage(operation, environment));
      this.operation = operation;
      this.environment = environment;
      this.reason = UNREACHABLE;
    }

    /**
     * Creates the error with the engine's exception as its cause. If the cause is an {@link
     * InterruptedException}, the message says that the operation was interrupted rather than timed
     * out.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "zookeeper"}
     * @param cause what the engine's client reported
     * @throws NullPointerException if an argument is {@code null}
     */
    public Unavailable(String operation, String environment, Throwable cause) {
      super(
          Arguments.requireNonNull(cause, "cause") instanceof InterruptedException
              ? interruptedMessage(operation, environment)
              : unavailableMessage(operation, environment),
          cause);
      this.operation = operation;
      this.environment = environment;
      this.reason = cause instanceof InterruptedException ? INTERRUPTED : UNREACHABLE;
    }

    /**
     * Creates the error for an engine that answered, but with something that stops the operation:
     * the message is {@code "operation 'OP' of the 'ENV' samgr backend failed: REASON"}, so the
     * reason names what was found (a node, a limit) and, where there is one, the remedy, and says
     * whether a change took effect when that is known.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "zookeeper"}
     * @param reason what went wrong, in words, such as {@code "the record of 'svc' is unreadable"}
     * @param cause what the engine's client reported, or {@code null} if nothing was thrown
     * @throws NullPointerException if {@code operation}, {@code environment} or {@code reason} is
     *     {@code null}
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    public Unavailable(
        String operation, String environment, String reason, @Nullable Throwable cause) {
      super(failedMessage(operation, environment, reason));
      if (cause != null) {
        initCause(cause);
      }
      this.operation = operation;
      this.environment = environment;
      this.reason = reason;
    }

    private static String failedMessage(String operation, String environment, String reason) {
      if (Arguments.requireNonNull(reason, "reason").isBlank()) {
        throw new IllegalArgumentException("reason must not be blank");
      }
      return "operation '"
          + Arguments.requireNonNull(operation, "operation")
          + "' of the '"
          + Arguments.requireNonNull(environment, "environment")
          + "' samgr backend failed: "
          + reason;
    }

    private static String interruptedMessage(String operation, String environment) {
      return "operation '"
          + Arguments.requireNonNull(operation, "operation")
          + "' of the '"
          + Arguments.requireNonNull(environment, "environment")
          + "' samgr backend was interrupted before it completed; whether a change took effect"
          + " is unknown (resolve to find out)";
    }

    private static String unavailableMessage(String operation, String environment) {
      return "operation '"
          + Arguments.requireNonNull(operation, "operation")
          + "' could not reach the engine of the '"
          + Arguments.requireNonNull(environment, "environment")
          + "' samgr backend within its timeout; whether a change took effect is unknown"
          + " (resolve to find out)";
    }

    /**
     * The operation that could not reach the engine.
     *
     * @return the operation's method name
     */
    public String operation() {
      return operation;
    }

    /**
     * The environment of the backend whose engine was unreachable.
     *
     * @return the environment name
     */
    public String environment() {
      return environment;
    }

    /**
     * What went wrong, in words: {@code "could not reach the engine within its timeout"}, {@code
     * "interrupted before it completed"}, or the reason the backend gave, such as an unreadable
     * record or a size limit.
     *
     * @return the reason, never blank
     */
    public String reason() {
      return reason;
    }
  }

  /**
   * A shared backend's engine refused the operation to the credentials the registry was opened with
   * (for {@code zookeeper}, an access-control list). Nothing changed. In-process backends never
   * throw it.
   */
  public static final class Denied extends SamgrError {
    private static final long serialVersionUID = 1L;

    /** The operation. */
    private final String operation;

    /** The environment. */
    private final String environment;

    /**
     * Creates the error.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "zookeeper"}
     * @throws NullPointerException if an argument is {@code null}
     */
    public Denied(String operation, String environment) {
      super(deniedMessage(operation, environment));
      this.operation = operation;
      this.environment = environment;
    }

    /**
     * Creates the error with the engine's exception as its cause.
     *
     * @param operation the operation's method name, such as {@code "register"}
     * @param environment the backend's environment name, such as {@code "zookeeper"}
     * @param cause what the engine's client reported
     * @throws NullPointerException if an argument is {@code null}
     */
    public Denied(String operation, String environment, Throwable cause) {
      super(deniedMessage(operation, environment), cause);
      this.operation = operation;
      this.environment = environment;
    }

    private static String deniedMessage(String operation, String environment) {
      return "operation '"
          + Arguments.requireNonNull(operation, "operation")
          + "' was denied by the engine of the '"
          + Arguments.requireNonNull(environment, "environment")
          + "' samgr backend to these credentials";
    }

    /**
     * The operation that was refused.
     *
     * @return the operation's method name
     */
    public String operation() {
      return operation;
    }

    /**
     * The environment of the backend whose engine refused.
     *
     * @return the environment name
     */
    public String environment() {
      return environment;
    }
  }
}
