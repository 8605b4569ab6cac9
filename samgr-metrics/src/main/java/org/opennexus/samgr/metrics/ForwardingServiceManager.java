package org.opennexus.samgr.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * A {@link ServiceManager} that passes every call to another, and its {@link RegistryStats} on, so
 * that decorators stack. Subclasses override the calls they instrument.
 */
abstract class ForwardingServiceManager implements ServiceManager, RegistryStats.Source {

  /** The registry every call goes to. */
  final ServiceManager delegate;

  ForwardingServiceManager(ServiceManager delegate) {
    this.delegate = delegate;
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    return delegate.register(name, endpoint);
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    return delegate.resolve(name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    return delegate.find(name);
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    delegate.heartbeat(handle);
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    return delegate.restart(name, endpoint);
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    return delegate.restart(current, endpoint);
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    delegate.unregister(handle);
  }

  @Override
  public List<ServiceHandle> services() throws SamgrError {
    return delegate.services();
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    return delegate.liveness(name);
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    return delegate.sweepExpired();
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) throws SamgrError {
    return delegate.watch(name, listener);
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError {
    return delegate.watchAll(listener);
  }

  @Override
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    return delegate.await(name, timeout);
  }

  @Override
  public String environment() {
    return delegate.environment();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Optional<RegistryStats> stats() {
    return RegistryStats.of(delegate);
  }
}
