package org.opennexus.samgr.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The registry {@link SamgrMetrics#monitor} returns: every call goes to the wrapped registry and
 * its outcome is counted; listeners are wrapped to count events and failures.
 */
final class MonitoredServiceManager extends ForwardingServiceManager {

  private final OperationMeters meters;

  // The hot paths' success counters, one field read each.
  private final LongAdder resolved;
  private final LongAdder found;
  private final LongAdder notFound;
  private final LongAdder beaten;

  MonitoredServiceManager(ServiceManager delegate, OperationMeters meters) {
    super(delegate);
    this.meters = meters;
    this.resolved = meters.ok(Operation.RESOLVE);
    this.found = meters.ok(Operation.FIND);
    this.notFound = meters.counter(Operation.FIND, Outcome.NOT_FOUND);
    this.beaten = meters.ok(Operation.HEARTBEAT);
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    return counted(Operation.REGISTER, () -> delegate.register(name, endpoint));
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    ServiceHandle handle;
    try {
      handle = delegate.resolve(name);
    } catch (SamgrError e) {
      meters.failed(Operation.RESOLVE, e);
      throw e;
    }
    resolved.increment();
    return handle;
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    Optional<ServiceHandle> handle;
    try {
      handle = delegate.find(name);
    } catch (UnsupportedOperationException e) {
      failed(Operation.FIND, e);
      throw e;
    }
    (handle.isPresent() ? found : notFound).increment();
    return handle;
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    try {
      delegate.heartbeat(handle);
    } catch (SamgrError e) {
      meters.failed(Operation.HEARTBEAT, e);
      throw e;
    }
    beaten.increment();
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    return counted(Operation.RESTART, () -> delegate.restart(name, endpoint));
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    return counted(Operation.RESTART, () -> delegate.restart(current, endpoint));
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    try {
      delegate.unregister(handle);
    } catch (SamgrError e) {
      meters.failed(Operation.UNREGISTER, e);
      throw e;
    }
    meters.count(Operation.UNREGISTER, Outcome.OK);
  }

  @Override
  public List<ServiceHandle> services() throws SamgrError {
    return counted(Operation.SERVICES, delegate::services);
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    return counted(Operation.LIVENESS, () -> delegate.liveness(name));
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    List<ServiceHandle> expired;
    try {
      expired = delegate.sweepExpired();
    } catch (UnsupportedOperationException e) {
      failed(Operation.SWEEP_EXPIRED, e);
      throw e;
    }
    meters.count(Operation.SWEEP_EXPIRED, Outcome.OK);
    return expired;
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) throws SamgrError {
    return counted(Operation.WATCH, () -> delegate.watch(name, counting(listener)));
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError {
    return counted(Operation.WATCH_ALL, () -> delegate.watchAll(counting(listener)));
  }

  @Override
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    ServiceHandle handle;
    try {
      handle = delegate.await(name, timeout);
    } catch (SamgrError e) {
      meters.failed(Operation.AWAIT, e);
      throw e;
    }
    meters.count(Operation.AWAIT, Outcome.OK);
    return handle;
  }

  /** A call of the wrapped registry that may throw a {@link SamgrError}. */
  @FunctionalInterface
  private interface Call<T> {
    T call() throws SamgrError;
  }

  /**
   * Runs a call that is not on a hot path and counts its outcome: ok, or the case of its {@link
   * SamgrError}, which it rethrows. (The hot paths, {@code resolve}, {@code find} and {@code
   * heartbeat}, count inline: a capturing lambda would allocate on every call.)
   */
  private <T> T counted(Operation operation, Call<T> call) throws SamgrError {
    T result;
    try {
      result = call.call();
    } catch (SamgrError e) {
      meters.failed(operation, e);
      throw e;
    }
    meters.count(operation, Outcome.OK);
    return result;
  }

  /** Closes the registry, then removes this monitor's meters. */
  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      meters.removeAll();
    }
  }

  @Override
  public String toString() {
    return "monitored " + delegate;
  }

  /** Wraps a listener to count its events and failures; the failure still reaches the hook. */
  @SuppressWarnings("ReturnMissingNullable") // null passes on for the registry to refuse
  private Consumer<ServiceEvent> counting(Consumer<ServiceEvent> listener) {
    if (listener == null) {
      return listener; // the registry refuses it, checking its arguments in its own order
    }
    LongAdder delivered = meters.eventsDelivered;
    LongAdder failures = meters.listenerFailures;
    return event -> {
      delivered.increment();
      try {
        listener.accept(event);
      } catch (Throwable t) {
        failures.increment();
        throw t;
      }
    };
  }

  /**
   * Counts a refusal of {@code find} or {@code sweepExpired}, which report {@code Unsupported} as
   * the cause of an {@link UnsupportedOperationException} (they declare no checked exception).
   */
  private void failed(Operation operation, UnsupportedOperationException e) {
    if (e.getCause() instanceof SamgrError cause) {
      meters.failed(operation, cause);
    }
  }
}
