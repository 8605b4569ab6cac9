package org.opennexus.samgr.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;

/**
 * The outcomes of a {@code samgr} command: the one list from which its exit codes ({@link
 * ExitCodes}), the exit-code list of {@code samgr --help}, the hint an error line ends with and the
 * exit-code table of the docs ({@code docs/cli.md}, checked by a test) come.
 */
enum Outcome {
  OK(ExitCodes.OK, null, "success", null),
  FAILURE(
      ExitCodes.FAILURE,
      null,
      "any other failure: the registry cannot be opened (no connect string), a server that"
          + " cannot start (serve: its port taken, its --data directory in use by another server,"
          + " not a directory, not writable, or holding data ZooKeeper cannot load), an I/O error",
      null),
  USAGE(
      ExitCodes.USAGE,
      null,
      "usage: unknown command or option, missing or malformed argument, bad name or endpoint,"
          + " bad setting value",
      null),
  NOT_FOUND(
      ExitCodes.NOT_FOUND,
      "NotFound",
      "the service is not registered (await: not within the timeout)",
      "'samgr list' shows what is registered"),
  DUPLICATE(
      ExitCodes.DUPLICATE,
      "Duplicate",
      "the name is already registered",
      "'samgr restart NAME ENDPOINT' replaces it"),
  STALE_HANDLE(
      ExitCodes.STALE_HANDLE,
      "StaleHandle",
      "the generation given is not the current one",
      "'samgr resolve NAME' shows the current generation"),
  UNAVAILABLE(
      ExitCodes.UNAVAILABLE,
      "Unavailable",
      "the server could not be reached within the operation timeout (for a change: whether it"
          + " took effect is unknown), or it answered in a way that stops the operation (the"
          + " message says what, and what to do)",
      "is the server running? 'samgr serve' starts one; check --connect or"
          + " SAMGR_ZOOKEEPER_CONNECT"),
  DENIED(
      ExitCodes.DENIED,
      "Denied",
      "the server refused the operation to these credentials (SAMGR_ZOOKEEPER_AUTH)",
      "set SAMGR_ZOOKEEPER_AUTH to credentials the registry accepts"),
  UNSUPPORTED(ExitCodes.UNSUPPORTED, "Unsupported", "the backend cannot do it", null),
  INTERRUPTED(
      ExitCodes.INTERRUPTED,
      null,
      "interrupted: Ctrl-C or SIGTERM came before the command finished (watch, serve and"
          + " dashboard exit 0 then)",
      null);

  private final int code;
  private final @Nullable String error;
  private final String meaning;
  private final @Nullable String hint;

  Outcome(int code, @Nullable String error, String meaning, @Nullable String hint) {
    this.code = code;
    this.error = error;
    this.meaning = meaning;
    this.hint = hint;
  }

  /** The exit code. */
  int code() {
    return code;
  }

  /** What to try next, for the end of an error line; null when there is nothing to say. */
  @Nullable String hint() {
    return hint;
  }

  /** The line of {@code samgr --help}: {@code NotFound: the service is not registered ...}. */
  String helpText() {
    return error == null ? meaning : error + ": " + meaning;
  }

  /** The meaning column of the docs' table: the {@code SamgrError} case in backquotes first. */
  String docsText() {
    return error == null ? meaning : "`" + error + "`: " + meaning;
  }

  /** The outcome of a registry error. */
  static Outcome of(SamgrError error) {
    if (error instanceof SamgrError.NotFound) {
      return NOT_FOUND;
    } else if (error instanceof SamgrError.Duplicate) {
      return DUPLICATE;
    } else if (error instanceof SamgrError.StaleHandle) {
      return STALE_HANDLE;
    } else if (error instanceof SamgrError.Unavailable) {
      return UNAVAILABLE;
    } else if (error instanceof SamgrError.Denied) {
      return DENIED;
    }
    return UNSUPPORTED;
  }

  /**
   * The outcome of any failure: a registry error, found also as the cause of a failure to open the
   * registry (a server that is down is {@link #UNAVAILABLE}); bad input is {@link #USAGE}.
   */
  static Outcome of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof java.nio.channels.ClosedByInterruptException
          || t instanceof java.io.InterruptedIOException) {
        return INTERRUPTED; // a signal's interrupt, seen by a wait or by an interruptible channel
      }
      if (t instanceof SamgrError samgrError) {
        return of(samgrError);
      }
    }
    return failure instanceof IllegalArgumentException ? USAGE : FAILURE;
  }

  /** {@code samgr --help}'s exit-code list: code to text, in order. */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (Outcome outcome : values()) {
      list.put(Integer.toString(outcome.code), outcome.helpText());
    }
    return list;
  }
}
