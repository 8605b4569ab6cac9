package org.opennexus.samgr;

import java.time.Instant;
import org.opennexus.samgr.spi.Arguments;

/**
 * The liveness of a service at the instant it was asked for.
 *
 * <p>A service is alive while the time since its last heartbeat (or its register or restart, which
 * count as heartbeats) is at most the liveness timeout, both measured by the clock the registry was
 * opened with ({@link Samgr.Builder#clock}, {@link Samgr.Builder#livenessTimeout}). Backends keep
 * heartbeat times to the millisecond.
 *
 * @param handle the service's current handle
 * @param lastHeartbeat when the current generation last heartbeat, registered or restarted
 * @param alive whether {@code lastHeartbeat} was within the liveness timeout when asked
 */
public record Liveness(ServiceHandle handle, Instant lastHeartbeat, boolean alive) {

  /**
   * Creates a liveness value.
   *
   * @param handle the handle
   * @param lastHeartbeat the last heartbeat
   * @param alive whether the service is alive
   * @throws NullPointerException if {@code handle} or {@code lastHeartbeat} is {@code null}
   */
  public Liveness {
    Arguments.requireNonNull(handle, "handle");
    Arguments.requireNonNull(lastHeartbeat, "lastHeartbeat");
  }
}
