package org.opennexus.samgr.metrics;

import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.opennexus.samgr.ServiceManager;

/**
 * Makes a registry's writes ({@code register}, both {@code restart}s, {@code unregister})
 * Micrometer {@link io.micrometer.observation.Observation}s, so that whatever handlers the {@link
 * ObservationRegistry} carries see them: a tracing bridge (Micrometer Tracing with its
 * OpenTelemetry or Brave bridge) makes each write a span, a {@code DefaultMeterObservationHandler}
 * a timer.
 *
 * <p>Each observation is named {@value #WRITE}, with the contextual name {@code "samgr "} plus the
 * operation (for example {@code "samgr register"}, a span's name), the low-cardinality key values
 * {@code operation} ({@code register}, {@code restart}, {@code unregister}) and {@code outcome} (as
 * in {@link SamgrMetrics#OPERATIONS}), and the high-cardinality key value {@code samgr.service}
 * (the service name). A write that throws records the throwable as the observation's error. The
 * write runs in the observation's scope, so that a backend's own instrumentation nests under it.
 * Reads are not observed: they are frequent, local on every samgr backend, and counted by {@link
 * SamgrMetrics}.
 *
 * <p>With {@link ObservationRegistry#NOOP}, or a registry without handlers, an observation costs a
 * few checks and allocates nothing.
 */
public final class SamgrObservations {

  /** The name of every write's observation: {@value}. */
  public static final String WRITE = "samgr.write";

  private SamgrObservations() {}

  /**
   * Returns {@code manager} wrapped so that its writes are observations in {@code registry}. The
   * wrapper passes every other call on, and stacks with {@link SamgrMetrics#monitor}; closing it
   * closes {@code manager}.
   *
   * @param registry where the observations go
   * @param manager the registry to observe
   * @return the observed registry
   * @throws NullPointerException if an argument is {@code null}
   */
  public static ServiceManager observe(ObservationRegistry registry, ServiceManager manager) {
    return new ObservedServiceManager(
        Objects.requireNonNull(manager, "manager"), Objects.requireNonNull(registry, "registry"));
  }
}
