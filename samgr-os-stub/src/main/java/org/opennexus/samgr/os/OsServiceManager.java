package org.opennexus.samgr.os;

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
import org.opennexus.samgr.spi.Arguments;

/**
 * Refuses every registry operation with {@link SamgrError.Unsupported} ({@code find} and {@code
 * sweepExpired}: with {@link UnsupportedOperationException} caused by it), after checking input.
 */
final class OsServiceManager implements ServiceManager {

  private volatile boolean closed;

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(endpoint, "endpoint");
    throw unsupported("register");
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    Arguments.requireName(name);
    throw unsupported("resolve");
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    Arguments.requireName(name);
    throw unchecked(unsupported("find"));
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    throw unsupported("heartbeat");
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(endpoint, "endpoint");
    throw unsupported("restart");
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    Arguments.requireNonNull(current, "current");
    Arguments.requireNonNull(endpoint, "endpoint");
    throw unsupported("restart");
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    throw unsupported("unregister");
  }

  @Override
  public List<ServiceHandle> services() throws SamgrError {
    throw unsupported("services");
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    Arguments.requireName(name);
    throw unsupported("liveness");
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    throw unchecked(unsupported("sweepExpired"));
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(listener, "listener");
    throw unsupported("watch");
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError {
    Arguments.requireNonNull(listener, "listener");
    throw unsupported("watchAll");
  }

  @Override
  public ServiceHandle await(String name, Duration timeout) throws SamgrError {
    Arguments.requireName(name);
    Arguments.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, but is " + timeout);
    }
    throw unsupported("await");
  }

  @Override
  public String environment() {
    return OsBackend.ENVIRONMENT;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "samgr os stub" + (closed ? " (closed)" : "");
  }

  /** Returns the refusal, or throws {@link IllegalStateException} once closed. */
  private SamgrError.Unsupported unsupported(String operation) {
    if (closed) {
      throw new IllegalStateException("this samgr 'os' registry is closed");
    }
    return new SamgrError.Unsupported(operation, OsBackend.ENVIRONMENT);
  }

  /** The refusal of an operation that declares no checked exception: same message, as cause. */
  private static UnsupportedOperationException unchecked(SamgrError.Unsupported refusal) {
    return new UnsupportedOperationException(refusal.getMessage(), refusal);
  }
}
