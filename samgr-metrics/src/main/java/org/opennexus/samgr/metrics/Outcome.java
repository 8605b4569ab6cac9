package org.opennexus.samgr.metrics;

import org.opennexus.samgr.SamgrError;

/** The {@code outcome} tag of {@code samgr.operations}: success or the {@link SamgrError} case. */
enum Outcome {
  OK("ok"),
  DUPLICATE("duplicate"),
  NOT_FOUND("not-found"),
  STALE_HANDLE("stale-handle"),
  DENIED("denied"),
  UNAVAILABLE("unavailable"),
  UNSUPPORTED("unsupported");

  /** The tag value. */
  final String tag;

  Outcome(String tag) {
    this.tag = tag;
  }

  /** The outcome an error reports. */
  static Outcome of(SamgrError error) {
    if (error instanceof SamgrError.NotFound) {
      return NOT_FOUND;
    } else if (error instanceof SamgrError.StaleHandle) {
      return STALE_HANDLE;
    } else if (error instanceof SamgrError.Duplicate) {
      return DUPLICATE;
    } else if (error instanceof SamgrError.Unavailable) {
      return UNAVAILABLE;
    } else if (error instanceof SamgrError.Denied) {
      return DENIED;
    }
    return UNSUPPORTED;
  }
}
