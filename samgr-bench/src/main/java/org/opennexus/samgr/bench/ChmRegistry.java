package org.opennexus.samgr.bench;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * The floor: a bare {@code ConcurrentHashMap<String, ServiceHandle>} with no argument checks, no
 * stale-handle checks, no liveness per service and no events. {@code resolve} is one {@code get};
 * {@code heartbeat} is one {@code get}, a clock read and one volatile write to a single shared
 * slot; {@code register} is {@code putIfAbsent} of a new handle; {@code restart} is {@code
 * computeIfPresent}; {@code unregister} is a conditional {@code remove}.
 */
final class ChmRegistry implements Registry {

  private final ConcurrentHashMap<String, ServiceHandle> handles = new ConcurrentHashMap<>();
  private final AtomicLong lastGeneration = new AtomicLong();
  private final InstantSource clock = InstantSource.system();

  /** The one liveness slot the heartbeat writes. */
  @SuppressWarnings("unused") // written only: the volatile write is what is measured
  private volatile long lastBeat;

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    ServiceHandle handle =
        new ServiceHandle(name, endpoint, new Generation(lastGeneration.incrementAndGet()));
    if (handles.putIfAbsent(name, handle) != null) {
      throw new SamgrError.Duplicate(name);
    }
    return handle;
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    ServiceHandle handle = handles.get(name);
    if (handle == null) {
      throw new SamgrError.NotFound(name);
    }
    return handle;
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    return Optional.ofNullable(handles.get(name));
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    if (handles.get(handle.name()) == null) {
      throw new SamgrError.NotFound(handle.name());
    }
    lastBeat = clock.millis();
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    ServiceHandle handle =
        handles.computeIfPresent(
            name,
            (key, old) ->
                new ServiceHandle(key, endpoint, new Generation(lastGeneration.incrementAndGet())));
    if (handle == null) {
      throw new SamgrError.NotFound(name);
    }
    return handle;
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    if (!handles.remove(handle.name(), handle)) {
      throw new SamgrError.NotFound(handle.name());
    }
  }

  @Override
  public void close() {
    handles.clear();
  }
}
