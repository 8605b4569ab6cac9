/**
 * JMH benchmarks for samgr: the {@code host} backend beside two baselines in one run.
 *
 * <p>The registry benchmarks take an {@link org.opennexus.samgr.bench.Impl} {@code @Param}: {@code
 * host} (the real backend through {@code Samgr.open("host")}), {@code mutex} (one lock around a
 * {@code HashMap} of mutable records, cloning a handle on {@code resolve}: the Rust original's
 * design) and {@code chm} (a bare {@code ConcurrentHashMap<String, ServiceHandle>}: the floor).
 * Report ratios to the baselines measured in the same run, never absolute numbers alone. {@code
 * WatchersBenchmark} and {@code MetricsBenchmark} put {@code host} beside itself instead: without
 * watchers, and without {@code SamgrMetrics.monitor}.
 *
 * <p>Build and run (the repository's {@code BENCHMARKS.md} has the full commands):
 *
 * <pre>{@code
 * ./mvnw -q -pl samgr-bench -am -DskipTests package
 * java -jar samgr-bench/target/benchmarks.jar -prof gc
 * }</pre>
 *
 * <p>The benchmarks run from a shaded jar on the class path, so this module has no {@code
 * module-info}; its jar names the automatic module {@code org.opennexus.samgr.bench}.
 */
@NullMarked
package org.opennexus.samgr.bench;

import org.jspecify.annotations.NullMarked;
