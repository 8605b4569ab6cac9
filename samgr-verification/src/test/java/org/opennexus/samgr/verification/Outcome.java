package org.opennexus.samgr.verification;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * What one call did, as a comparable value: the value it returned, or the exception it threw
 * reduced to its type and the fields it carries. Both the model and the real registry produce
 * outcomes, and a test compares them with {@code equals}.
 */
sealed interface Outcome {

  /** The longest message a bad-input exception may carry, whatever the input's size. */
  int MAX_MESSAGE = 200;

  /** The call returned {@code value} ({@code null} for {@code void} methods). */
  record Value(@Nullable Object value) implements Outcome {}

  /** {@link SamgrError.NotFound}. */
  record NotFound(String name) implements Outcome {}

  /** {@link SamgrError.Duplicate}. */
  record Duplicate(String name) implements Outcome {}

  /** {@link SamgrError.StaleHandle}. */
  record Stale(ServiceHandle handle, Generation current) implements Outcome {}

  /** {@link SamgrError.Unsupported}. */
  record Unsupported(String operation, String environment) implements Outcome {}

  /** {@link NullPointerException} whose message is "{@code parameter} must not be null". */
  record NullArgument(String parameter) implements Outcome {}

  /** {@link IllegalArgumentException} naming {@code parameter} and the rule broken. */
  record BadArgument(String parameter, Rule rule) implements Outcome {}

  /** {@link IllegalStateException}: the registry is closed. */
  record Closed() implements Outcome {}

  /** Anything else, or a documented exception with an undocumented message: always a bug. */
  record Unexpected(String type, @Nullable String message) implements Outcome {}

  /** The argument rules, as a bad-input message names them. */
  enum Rule {
    LENGTH,
    CONTROL,
    INVISIBLE,
    SURROGATE,
    IGNORABLE,
    BLANK,
    LEADING_MARK,
    NEGATIVE,
    BELOW_ONE;

    /** Reads the rule out of an {@link IllegalArgumentException} message, or {@code null}. */
    static @Nullable Rule of(String message) {
      if (message.contains("must be 1 to ") && message.contains("characters")) {
        return LENGTH;
      }
      if (message.contains("must not contain ISO control characters")) {
        return CONTROL;
      }
      if (message.contains("must not contain invisible or bidirectional-control characters")) {
        return INVISIBLE;
      }
      if (message.contains("must not contain unpaired surrogates")) {
        return SURROGATE;
      }
      if (message.contains("must not contain default-ignorable characters")) {
        return IGNORABLE;
      }
      if (message.contains("must not contain characters that look blank")) {
        return BLANK;
      }
      if (message.contains("must not start with a combining mark")) {
        return LEADING_MARK;
      }
      if (message.contains("must not be negative")) {
        return NEGATIVE;
      }
      if (message.contains("must be at least 1")) {
        return BELOW_ONE;
      }
      return null;
    }
  }

  /** A call that may throw anything. */
  @FunctionalInterface
  interface Call {
    @Nullable Object call() throws Exception;
  }

  /** A {@code void} call that may throw anything. */
  @FunctionalInterface
  interface VoidCall {
    void call() throws Exception;
  }

  static Outcome ofVoid(VoidCall call) {
    return of(
        () -> {
          call.call();
          return null;
        });
  }

  /** Runs {@code call} and classifies what it did. */
  static Outcome of(Call call) {
    try {
      return new Value(call.call());
    } catch (SamgrError.NotFound e) {
      return new NotFound(e.name());
    } catch (SamgrError.Duplicate e) {
      return new Duplicate(e.name());
    } catch (SamgrError.StaleHandle e) {
      return new Stale(e.handle(), e.current());
    } catch (SamgrError.Unsupported e) {
      return new Unsupported(e.operation(), e.environment());
    } catch (NullPointerException e) {
      String message = e.getMessage();
      String suffix = " must not be null";
      if (message != null
          && message.endsWith(suffix)
          && message.indexOf(' ') == message.indexOf(suffix)) {
        return new NullArgument(message.substring(0, message.length() - suffix.length()));
      }
      return unexpected(e);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      if (message == null || message.length() >= MAX_MESSAGE) {
        return unexpected(e);
      }
      Rule rule = Rule.of(message);
      int space = message.indexOf(' ');
      if (rule == null || space <= 0) {
        return unexpected(e);
      }
      return new BadArgument(message.substring(0, space), rule);
    } catch (IllegalStateException e) {
      String message = e.getMessage();
      return message != null && message.contains("closed") ? new Closed() : unexpected(e);
    } catch (Exception | Error e) {
      return unexpected(e);
    }
  }

  private static Outcome unexpected(Throwable e) {
    String message = e.getMessage();
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "... (" + message.length() + " chars)";
    }
    return new Unexpected(e.getClass().getName(), message);
  }
}
