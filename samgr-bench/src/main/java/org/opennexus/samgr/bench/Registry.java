package org.opennexus.samgr.bench;

import java.util.Optional;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * The operations the benchmarks measure, implemented by the {@code host} backend and by the two
 * baselines, so that one benchmark method measures all three (Caffeine's {@code GetPutBenchmark}
 * facade). Each JMH fork loads one implementation, so calls through this interface stay
 * monomorphic.
 *
 * <p>Implementations are thread-safe.
 */
public interface Registry extends AutoCloseable {

  /**
   * Registers a service.
   *
   * @param name the service name
   * @param endpoint its endpoint
   * @return the new handle
   * @throws SamgrError.Duplicate if the name is registered
   */
  ServiceHandle register(String name, Endpoint endpoint) throws SamgrError;

  /**
   * Resolves a registered name.
   *
   * @param name the service name
   * @return its current handle
   * @throws SamgrError.NotFound if the name is not registered
   */
  ServiceHandle resolve(String name) throws SamgrError;

  /**
   * Looks a name up without throwing when it is absent.
   *
   * @param name the service name
   * @return its current handle, or empty
   * @throws SamgrError only where the backend cannot look up (never here)
   */
  Optional<ServiceHandle> find(String name) throws SamgrError;

  /**
   * Records a heartbeat of the handle's generation.
   *
   * @param handle a handle
   * @throws SamgrError.NotFound if the name is not registered
   * @throws SamgrError.StaleHandle if the handle is not current (baselines may not check)
   */
  void heartbeat(ServiceHandle handle) throws SamgrError;

  /**
   * Restarts a registered service with a new generation and endpoint.
   *
   * @param name the service name
   * @param endpoint the new endpoint
   * @return the new handle
   * @throws SamgrError.NotFound if the name is not registered
   */
  ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError;

  /**
   * Removes a service.
   *
   * @param handle its current handle
   * @throws SamgrError.NotFound if the name is not registered
   * @throws SamgrError.StaleHandle if the handle is not current (baselines may not check)
   */
  void unregister(ServiceHandle handle) throws SamgrError;

  /** Releases what the registry holds. */
  @Override
  void close();
}
