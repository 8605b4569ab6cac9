/**
 * Micrometer metrics and observations for any samgr registry.
 *
 * <p>{@link org.opennexus.samgr.metrics.SamgrMetrics#monitor(
 * io.micrometer.core.instrument.MeterRegistry, org.opennexus.samgr.ServiceManager, String...)}
 * wraps a {@link org.opennexus.samgr.ServiceManager} so that its operations, events and listener
 * failures are counted, and registers gauges for what the registry reports about itself through
 * {@link org.opennexus.samgr.spi.RegistryStats} (services, delivery backlog, and for a shared
 * backend its connection, reconnections and staleness). {@link
 * org.opennexus.samgr.metrics.SamgrObservations#observe} wraps one so that its writes are
 * Micrometer {@code Observation}s, which a tracing bridge (such as Micrometer Tracing's
 * OpenTelemetry bridge) turns into spans. Both return plain {@code ServiceManager}s and stack.
 *
 * <p>A registry that is not wrapped counts nothing and allocates nothing for metrics.
 */
@NullMarked
package org.opennexus.samgr.metrics;

import org.jspecify.annotations.NullMarked;
