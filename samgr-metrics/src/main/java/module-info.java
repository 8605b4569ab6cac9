/**
 * Micrometer metrics for any samgr registry: {@link
 * org.opennexus.samgr.metrics.SamgrMetrics#monitor(io.micrometer.core.instrument.MeterRegistry,
 * org.opennexus.samgr.ServiceManager, String...)} returns an instrumented {@code ServiceManager},
 * and {@link org.opennexus.samgr.metrics.SamgrObservations} makes its writes Micrometer
 * Observations.
 */
@org.jspecify.annotations.NullMarked
// micrometer.core and micrometer.observation are automatic modules (named in their manifests);
// their types are in this module's API, hence transitive. The pom turns off javac's lint for it.
module org.opennexus.samgr.metrics {
  requires transitive org.opennexus.samgr;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires static org.jspecify;

  exports org.opennexus.samgr.metrics;
}
