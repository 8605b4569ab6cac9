package org.opennexus.samgr;

/**
 * A registration of a listener with {@link ServiceManager#watch} or {@link
 * ServiceManager#watchAll}; closing it stops the events.
 *
 * <p>Implementations are thread-safe.
 */
public interface Subscription extends AutoCloseable {

  /**
   * Stops delivery to this subscription's listener. After this method returns, the listener is
   * called no more: if another thread is delivering an event to it at that moment, this method
   * waits until that call returns. Called from the listener itself, it returns at once and the
   * current call is the last. Closing twice has no further effect, and closing never throws.
   *
   * <p>Because it waits, do not close a subscription from a listener of another subscription
   * whose own listener may at the same time be closing the first one: the two would wait for each
   * other.
   */
  @Override
  void close();
}
