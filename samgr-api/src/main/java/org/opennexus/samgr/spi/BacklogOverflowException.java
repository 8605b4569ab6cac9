package org.opennexus.samgr.spi;

/**
 * What {@link SamgrConfig#listenerFailures()} receives when a subscription's listener falls so far
 * behind that its backlog would exceed the bound (the setting {@value
 * EventHub#MAX_BACKLOG_SETTING}): the subscription has been closed, the event passed to the hook
 * with this exception was not queued, and neither it nor any later event reaches that listener. The
 * loss is explicit and final; the writer is never blocked and never sees this exception.
 *
 * <p>It is an {@link IllegalStateException} because it reports a subscription that can no longer
 * keep up, a state, not a bad argument.
 */
public final class BacklogOverflowException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** What overflowed, such as {@code samgr subscription to 'net'}. */
  private final String subscription;

  /** The bound that was reached. */
  private final int maxBacklog;

  /**
   * Creates the exception.
   *
   * @param subscription what overflowed, such as {@code samgr subscription to 'net'}
   * @param maxBacklog the bound that was reached
   * @throws NullPointerException if {@code subscription} is {@code null}
   */
  public BacklogOverflowException(String subscription, int maxBacklog) {
    super(
        Arguments.requireNonNull(subscription, "subscription")
            + " was closed: its listener fell "
            + maxBacklog
            + " events behind (the bound set by "
            + EventHub.MAX_BACKLOG_SETTING
            + "); this event and all later ones were dropped for it");
    this.subscription = subscription;
    this.maxBacklog = maxBacklog;
  }

  /**
   * Returns what overflowed, such as {@code samgr subscription to 'net'}.
   *
   * @return the subscription's description
   */
  public String subscription() {
    return subscription;
  }

  /**
   * Returns the bound that was reached: the most events that may wait for one listener.
   *
   * @return the backlog bound
   */
  public int maxBacklog() {
    return maxBacklog;
  }
}
