/**
 * The samgr backend contract suite.
 *
 * <p>Each contract is a JUnit 5 test interface whose default methods are the tests; they reach the
 * backend only through {@link org.opennexus.samgr.Samgr}, by the environment name that {@link
 * org.opennexus.samgr.tck.Contract#environment()} returns. To check a backend, implement the
 * profile it claims in a test class:
 *
 * <pre>{@code
 * class MyBackendContractTest implements FullContract {
 *   @Override
 *   public String environment() {
 *     return "mine";
 *   }
 * }
 * }</pre>
 *
 * <p>{@link org.opennexus.samgr.tck.FullContract} includes {@link
 * org.opennexus.samgr.tck.HarnessContract} (the harness operations, one behaviour per test) and
 * {@link org.opennexus.samgr.tck.HarnessConcurrencyContract} (their races, as start-together tests
 * with bounded waits). Backend authors who write tests of their own can reuse {@link
 * org.opennexus.samgr.tck.RecordingListener}, which records events, waits for them with a bound
 * and detects overlapping listener calls.
 */
@NullMarked
package org.opennexus.samgr.tck;

import org.jspecify.annotations.NullMarked;
