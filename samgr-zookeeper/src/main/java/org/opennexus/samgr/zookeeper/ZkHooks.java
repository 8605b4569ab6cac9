package org.opennexus.samgr.zookeeper;

/**
 * Points where a test may step into a client's work, given to it when it opens. The default, {@link
 * #NONE}, does nothing: production clients open with it, and its methods are empty, so the hot
 * paths that call them cost nothing.
 */
class ZkHooks {

  /** The hooks of every client that is not under test: they do nothing. */
  static final ZkHooks NONE = new ZkHooks();

  /** The feed read one record for a single change it was told of (not for a load). */
  void feedRead() {}

  /**
   * Called when the feed's read of the record of {@code name} is answered. If it returns {@code
   * true}, the answer is taken as a failure, as if the server had answered an error after Curator's
   * retries.
   */
  boolean loseRead(String name) {
    return false;
  }

  /**
   * Whether the feed drops this announcement of a change, as if the client were disconnected (the
   * reload after the next reconnection must bring what was missed).
   */
  boolean dropAnnouncement() {
    return false;
  }

  /**
   * Called when a write of the record of {@code name} is about to be sent, under the name's write
   * lock (a test may hold the write here).
   */
  void writing(String name) {}

  /**
   * Called after a write's first try committed. If it returns {@code true}, the write is sent
   * again, as Curator does when the first answer was lost with the connection (another client may
   * write in between, inside this call).
   */
  boolean loseAnswer() {
    return false;
  }

  /** A load was scheduled to begin after {@code delayMillis} (0 at once). */
  void loadScheduled(long delayMillis) {}

  /** The reaper is about to ask the ensemble whether {@code owner}'s client node exists. */
  void checkingSession(long owner) {}

  /**
   * A read again of the names whose read failed was scheduled to begin after {@code delayMillis}.
   */
  void rereadScheduled(long delayMillis) {}
}
