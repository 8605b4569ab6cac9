package org.opennexus.samgr.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * A registry as a read-only tool must see it: every operation that changes the registry fails and
 * is recorded, so that a test can show that a tool never calls one.
 */
final class ReadOnlyRegistry extends Delegating {
  /** The writing operations called, in order. */
  final List<String> writes = new CopyOnWriteArrayList<>();

  ReadOnlyRegistry(ServiceManager registry) {
    super(registry);
  }

  private AssertionError write(String operation) {
    writes.add(operation);
    return new AssertionError("a read-only tool called " + operation);
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) {
    throw write("register");
  }

  @Override
  public void heartbeat(ServiceHandle handle) {
    throw write("heartbeat");
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) {
    throw write("restart");
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) {
    throw write("restart");
  }

  @Override
  public void unregister(ServiceHandle handle) {
    throw write("unregister");
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    throw write("sweepExpired");
  }
}
