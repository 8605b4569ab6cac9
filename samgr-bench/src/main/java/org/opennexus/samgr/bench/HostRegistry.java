package org.opennexus.samgr.bench;

import java.util.Optional;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** The {@code host} backend through the public API; every call is a plain delegation. */
final class HostRegistry implements Registry {

  private final ServiceManager samgr;

  HostRegistry(ServiceManager samgr) {
    this.samgr = samgr;
  }

  ServiceManager samgr() {
    return samgr;
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    return samgr.register(name, endpoint);
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    return samgr.resolve(name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) throws SamgrError {
    return samgr.find(name);
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    samgr.heartbeat(handle);
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    return samgr.restart(name, endpoint);
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    samgr.unregister(handle);
  }

  @Override
  public void close() {
    samgr.close();
  }
}
