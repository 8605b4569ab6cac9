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
 * <p>{@link org.opennexus.samgr.tck.FullContract} is made of one tester per operation, as listed on
 * it ({@link org.opennexus.samgr.tck.RegisterContract}, {@link
 * org.opennexus.samgr.tck.WatchContract}, {@link org.opennexus.samgr.tck.AwaitContract} and so on),
 * each a few behaviours with one test each, and of the races of those operations as start-together
 * tests with bounded waits. Backend authors who write tests of their own can reuse {@link
 * org.opennexus.samgr.tck.RecordingListener}, which records events, waits for them with a bound and
 * detects overlapping listener calls, and {@link org.opennexus.samgr.tck.SamgrAssertions}, the
 * assertions on event sequences and exception messages that the contracts use.
 *
 * <p>{@link org.opennexus.samgr.tck.DeliveryContract} (in parts: listener failures, closing, the
 * executor, the backlog bound, the writer's budget, memory after close) and {@link
 * org.opennexus.samgr.tck.ExpiryRaceContract} (exactly one {@code Expired} per turn, under races
 * made deterministic with a {@link org.opennexus.samgr.tck.PausingClock}) check the delivery rules
 * that {@link org.opennexus.samgr.ServiceManager} documents; a backend built on {@link
 * org.opennexus.samgr.spi.EventHub} meets them. {@code FullContract} includes both. Every contract
 * opens registries through {@link org.opennexus.samgr.tck.Contract#builder()}, so a backend that
 * needs settings (a connect string, a fresh namespace per registry) overrides it; a backend whose
 * listeners run on one delivery thread of its own overrides {@link
 * org.opennexus.samgr.tck.DeliveryContract#writersRunListeners()}.
 */
@NullMarked
package org.opennexus.samgr.tck;

import org.jspecify.annotations.NullMarked;
