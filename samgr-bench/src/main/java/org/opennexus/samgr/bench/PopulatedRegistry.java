package org.opennexus.samgr.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.opennexus.samgr.SamgrError;

/**
 * The state the registry benchmarks share: one {@link Impl}, opened and populated with {@link
 * #size} services before the measurement, closed after it.
 */
@State(Scope.Benchmark)
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public abstract class PopulatedRegistry {

  /** The implementation measured. */
  @Param public Impl impl;

  /** How many services are registered. */
  @Param({"1000", "1000000"})
  public int size;

  /** The registry under test. */
  Registry registry;

  /** The registered names in a random order; their number is a power of two. */
  String[] keys;

  /** {@code keys.length - 1}, to pick a key with a cursor. */
  int mask;

  /** For JMH's generated subclasses. */
  protected PopulatedRegistry() {}

  /**
   * Opens the registry, registers {@link #size} services, then calls {@link #prepare()}.
   *
   * @throws SamgrError never
   */
  @Setup
  public void setUp() throws SamgrError {
    registry = impl.create();
    Population.fill(registry, size);
    keys = Population.keys(size);
    mask = keys.length - 1;
    prepare();
  }

  /**
   * What a benchmark needs beyond the populated registry; nothing by default.
   *
   * @throws SamgrError never
   */
  protected void prepare() throws SamgrError {}

  /** Closes the registry. */
  @TearDown
  public void tearDown() {
    registry.close();
  }
}
