package org.opennexus.samgr;

import org.opennexus.samgr.spi.Arguments;

/**
 * A change to a registered service, delivered to {@link ServiceManager#watch} and {@link
 * ServiceManager#watchAll} listeners.
 *
 * <p>For one subscription, events arrive one at a time, in the order the changes took effect (so
 * for one name, in generation order), none lost and none twice. A subscription starts with a {@link
 * Registered} event for each service registered when it starts, so "subscribe, then check" cannot
 * miss a change.
 */
public sealed interface ServiceEvent
    permits ServiceEvent.Registered,
        ServiceEvent.Restarted,
        ServiceEvent.Unregistered,
        ServiceEvent.Expired {

  /**
   * The handle the event is about: the new handle for {@link Registered} and {@link Restarted}, the
   * removed one for {@link Unregistered}, the one that stopped heartbeating for {@link Expired}.
   *
   * @return the handle
   */
  ServiceHandle handle();

  /**
   * The service was registered, or was already registered when the subscription started.
   *
   * @param handle the service's handle
   */
  record Registered(ServiceHandle handle) implements ServiceEvent {
    /**
     * Creates the event.
     *
     * @param handle the handle
     * @throws NullPointerException if {@code handle} is {@code null}
     */
    public Registered {
      Arguments.requireNonNull(handle, "handle");
    }
  }

  /**
   * The service was restarted under a new generation; handles of earlier generations are stale.
   *
   * @param handle the new handle
   */
  record Restarted(ServiceHandle handle) implements ServiceEvent {
    /**
     * Creates the event.
     *
     * @param handle the handle
     * @throws NullPointerException if {@code handle} is {@code null}
     */
    public Restarted {
      Arguments.requireNonNull(handle, "handle");
    }
  }

  /**
   * The service was unregistered.
   *
   * @param handle the handle that was current when it was removed
   */
  record Unregistered(ServiceHandle handle) implements ServiceEvent {
    /**
     * Creates the event.
     *
     * @param handle the handle
     * @throws NullPointerException if {@code handle} is {@code null}
     */
    public Unregistered {
      Arguments.requireNonNull(handle, "handle");
    }
  }

  /**
   * The service stopped being alive: its last heartbeat grew older than the liveness timeout. It
   * stays registered; a heartbeat of the current generation or a restart makes it alive again, and
   * it may expire again later. Sent once per transition from alive to not alive.
   *
   * @param handle the current handle of the service that expired
   */
  record Expired(ServiceHandle handle) implements ServiceEvent {
    /**
     * Creates the event.
     *
     * @param handle the handle
     * @throws NullPointerException if {@code handle} is {@code null}
     */
    public Expired {
      Arguments.requireNonNull(handle, "handle");
    }
  }
}
