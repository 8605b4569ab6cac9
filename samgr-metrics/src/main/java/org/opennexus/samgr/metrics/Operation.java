package org.opennexus.samgr.metrics;

import java.util.EnumSet;
import java.util.Set;

/** The {@code operation} tag of {@code samgr.operations}: one value per registry operation. */
enum Operation {
  REGISTER("register", Outcome.DUPLICATE),
  RESOLVE("resolve", Outcome.NOT_FOUND),
  FIND("find", Outcome.NOT_FOUND),
  HEARTBEAT("heartbeat", Outcome.NOT_FOUND, Outcome.STALE_HANDLE),
  RESTART("restart", Outcome.NOT_FOUND, Outcome.STALE_HANDLE),
  UNREGISTER("unregister", Outcome.NOT_FOUND, Outcome.STALE_HANDLE),
  SERVICES("services"),
  LIVENESS("liveness", Outcome.NOT_FOUND),
  SWEEP_EXPIRED("sweep-expired"),
  WATCH("watch"),
  WATCH_ALL("watch-all"),
  AWAIT("await", Outcome.NOT_FOUND);

  /** The tag value. */
  final String tag;

  /**
   * The outcomes registered up front (so that they read zero before they happen): {@code ok}, the
   * ones every backend may report for any operation, and this operation's own.
   */
  @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable copy, never changed
  final Set<Outcome> expected;

  Operation(String tag, Outcome... own) {
    this.tag = tag;
    EnumSet<Outcome> all =
        EnumSet.of(Outcome.OK, Outcome.UNSUPPORTED, Outcome.UNAVAILABLE, Outcome.DENIED);
    all.addAll(Set.of(own));
    this.expected = Set.copyOf(all);
  }
}
