package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;

/**
 * The exit codes of {@code samgr}: one per outcome a script may want to tell apart. What each means
 * is listed by {@code samgr --help} and in the docs (docs/cli.md, "Exit codes"), both made from one
 * list in the code: 0 success, 1 other failure, 2 usage, 3 to 8 the {@link SamgrError} cases {@code
 * NotFound}, {@code Duplicate}, {@code StaleHandle}, {@code Unavailable}, {@code Denied}, {@code
 * Unsupported}, and 130 for a command interrupted by Ctrl-C or SIGTERM.
 */
public final class ExitCodes {

  /** Success. */
  public static final int OK = 0;

  /** Any failure that is not a usage error or a registry outcome. */
  public static final int FAILURE = 1;

  /** A bad option, argument or setting value. */
  public static final int USAGE = 2;

  /** The service is not registered ({@link SamgrError.NotFound}). */
  public static final int NOT_FOUND = 3;

  /** The name is already registered ({@link SamgrError.Duplicate}). */
  public static final int DUPLICATE = 4;

  /** The generation given is not the current one ({@link SamgrError.StaleHandle}). */
  public static final int STALE_HANDLE = 5;

  /** The registry's engine could not be reached in time ({@link SamgrError.Unavailable}). */
  public static final int UNAVAILABLE = 6;

  /** The engine refused the operation to these credentials ({@link SamgrError.Denied}). */
  public static final int DENIED = 7;

  /** The backend cannot do the operation ({@link SamgrError.Unsupported}). */
  public static final int UNSUPPORTED = 8;

  /** Ctrl-C or SIGTERM came before a one-shot command finished (128 + SIGINT's 2). */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  /**
   * The exit code for a registry outcome.
   *
   * @param error the error a command met
   * @return its code, from 3 to 8
   */
  public static int of(SamgrError error) {
    return Outcome.of(error).code();
  }
}
