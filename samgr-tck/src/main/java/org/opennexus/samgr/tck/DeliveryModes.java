package org.opennexus.samgr.tck;

/**
 * What the delivery contracts ({@link DeliveryContract} and its parts) need to know of a backend
 * besides {@link Contract}: whether its writers run listeners.
 */
public interface DeliveryModes extends Contract {

  /** How many times each close-each-other race is run, each on a fresh registry. */
  int CLOSE_ROUNDS = 100;

  /**
   * Whether the backend's writers run listeners when no executor is set (caller-runs, {@link
   * org.opennexus.samgr.spi.EventHub#callerRuns}), so that two writers' listener calls run at once,
   * as on {@code host}. A backend whose listeners run on one delivery thread of its own ({@link
   * org.opennexus.samgr.spi.EventHub#handOff}, as {@code zookeeper}) overrides this to return
   * {@code false}; the tests that need a listener call in flight while another listener runs then
   * give it an executor of several threads.
   *
   * @return whether writers run listeners by default
   */
  default boolean writersRunListeners() {
    return true;
  }
}
