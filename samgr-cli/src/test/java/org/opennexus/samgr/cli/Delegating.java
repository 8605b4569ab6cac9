package org.opennexus.samgr.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * A view of a registry that a command may close without closing the registry, so that a test can
 * look at the registry after the command; it counts the closes.
 */
class Delegating implements ServiceManager {
  final ServiceManager registry;
  final AtomicInteger closes = new AtomicInteger();

  Delegating(ServiceManager registry) {
    this.registry = registry;
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    return registry.register(name, endpoint);
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    return registry.resolve(name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    return registry.find(name);
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    registry.heartbeat(handle);
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    return registry.restart(name, endpoint);
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    return registry.restart(current, endpoint);
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    registry.unregister(handle);
  }

  @Override
  public List<ServiceHandle> services() throws SamgrError {
    return registry.services();
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    return registry.liveness(name);
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    return registry.sweepExpired();
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) throws SamgrError {
    return registry.watch(name, listener);
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError {
    return registry.watchAll(listener);
  }

  @Override
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    return registry.await(name, timeout);
  }

  @Override
  public String environment() {
    return registry.environment();
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }
}
