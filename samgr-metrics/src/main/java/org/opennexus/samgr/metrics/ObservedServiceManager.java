package org.opennexus.samgr.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** The registry {@link SamgrObservations#observe} returns: writes run inside observations. */
final class ObservedServiceManager extends ForwardingServiceManager {

  private final ObservationRegistry observations;

  ObservedServiceManager(ServiceManager delegate, ObservationRegistry observations) {
    super(delegate);
    this.observations = observations;
  }

  /** A write that {@link #observe} runs. */
  @FunctionalInterface
  private interface Write<T> {
    T run() throws SamgrError;
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    return observe(Operation.REGISTER, name, () -> delegate.register(name, endpoint));
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    return observe(Operation.RESTART, name, () -> delegate.restart(name, endpoint));
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    return observe(Operation.RESTART, nameOf(current), () -> delegate.restart(current, endpoint));
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    observe(
        Operation.UNREGISTER,
        nameOf(handle),
        () -> {
          delegate.unregister(handle);
          return handle;
        });
  }

  @Override
  public String toString() {
    return "observed " + delegate;
  }

  /** The name to tag, or a placeholder when the handle is null (the registry then refuses it). */
  @SuppressWarnings("ConstantConditions") // a caller may pass null despite the annotations
  private static String nameOf(ServiceHandle handle) {
    return handle == null ? "" : handle.name();
  }

  private <T> T observe(Operation operation, String name, Write<T> write) throws SamgrError {
    Observation observation =
        Observation.createNotStarted(SamgrObservations.WRITE, observations)
            .contextualName("samgr " + operation.tag)
            .lowCardinalityKeyValue("operation", operation.tag)
            .highCardinalityKeyValue("samgr.service", name == null ? "" : name)
            .start();
    try (Observation.Scope scope = observation.openScope()) {
      T result = write.run();
      observation.lowCardinalityKeyValue("outcome", Outcome.OK.tag);
      return result;
    } catch (SamgrError e) {
      observation.lowCardinalityKeyValue("outcome", Outcome.of(e).tag);
      observation.error(e);
      throw e;
    } catch (RuntimeException | Error e) {
      observation.error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }
}
