package org.opennexus.samgr;

/**
 * A registration of a listener with {@link ServiceManager#watch} or {@link
 * ServiceManager#watchAll}; closing it stops the events.
 *
 * <p>Implementations are thread-safe.
 */
public interface Subscription extends AutoCloseable {

  /**
   * Stops delivery to this subscription's listener. After this method returns, no call of the
   * listener starts, and the events still queued for it are dropped.
   *
   * <ul>
   *   <li>Called from outside every samgr listener, it waits until a call of this listener in
   *       flight on another thread has returned, so that after it returns no code of this listener
   *       runs. The wait is interruptible: if the thread is interrupted (before or while waiting),
   *       it stops waiting, keeps the interrupt flag set and returns at once.
   *   <li>Called from inside a listener of any samgr registry (this listener included), it never
   *       waits: a call in flight may finish, but none starts. Two listeners may therefore close
   *       each other's subscriptions, on two threads, without deadlock.
   * </ul>
   *
   * <p>Closing twice has no further effect, and closing never throws. Afterwards the subscription
   * holds no reference to the listener or the registry.
   */
  @Override
  void close();
}
