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
   */
  @Override
  void close();
}
