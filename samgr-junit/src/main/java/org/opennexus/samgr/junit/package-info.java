/**
 * A JUnit Jupiter extension that gives each test a fresh samgr {@link
 * org.opennexus.samgr.ServiceManager} and the {@link org.opennexus.samgr.ManualClock} it runs on,
 * and closes the registry after the test.
 *
 * <pre>{@code
 * @SamgrTest(livenessTimeout = "PT5S")
 * class SupervisorTest {
 *   @Test
 *   void silentServiceExpires(ServiceManager samgr, ManualClock clock) throws SamgrError {
 *     ServiceHandle net = samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *     clock.advance(Duration.ofSeconds(6));
 *     assertEquals(List.of(net), samgr.sweepExpired());
 *     assertFalse(samgr.liveness("net").alive());
 *   }
 * }
 * }</pre>
 *
 * <p>Start with {@link org.opennexus.samgr.junit.SamgrTest}; {@link
 * org.opennexus.samgr.junit.SamgrExtension} documents every guarantee and how to register the
 * extension programmatically with {@code @RegisterExtension}.
 */
@NullMarked
package org.opennexus.samgr.junit;

import org.jspecify.annotations.NullMarked;
