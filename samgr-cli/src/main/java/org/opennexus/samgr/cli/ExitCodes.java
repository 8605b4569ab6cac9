package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;

/**
 * The exit codes of {@code samgr}: one per outcome a script may want to tell apart.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><th>code</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>anything else: the registry cannot be opened (no connect string, no
 *   server reachable), a server that cannot start, an I/O error</td></tr>
 *   <tr><td>2</td><td>usage: a bad option, argument or setting (picocli's convention)</td></tr>
 *   <tr><td>3</td><td>{@link SamgrError.NotFound}</td></tr>
 *   <tr><td>4</td><td>{@link SamgrError.Duplicate}</td></tr>
 *   <tr><td>5</td><td>{@link SamgrError.StaleHandle}</td></tr>
 *   <tr><td>6</td><td>{@link SamgrError.Unavailable}</td></tr>
 *   <tr><td>7</td><td>{@link SamgrError.Denied}</td></tr>
 *   <tr><td>8</td><td>{@link SamgrError.Unsupported}</td></tr>
 * </table>
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

  private ExitCodes() {}

  /**
   * The exit code for a registry outcome.
   *
   * @param error the error a command met
   * @return its code, from 3 to 8
   */
  public static int of(SamgrError error) {
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
    } else {
      return UNSUPPORTED;
    }
  }
}
