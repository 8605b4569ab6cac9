package org.opennexus.samgr.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh samgr registry: parameters of type {@link
 * org.opennexus.samgr.ServiceManager} and {@link org.opennexus.samgr.ManualClock} are resolved with
 * the current test's registry and the clock it runs on, and the registry is closed after the test,
 * whether it passed or not.
 *
 * <pre>{@code
 * @SamgrTest(environment = "host", livenessTimeout = "PT5S")
 * class SupervisorTest {
 *   @Test
 *   void silentServiceExpires(ServiceManager samgr, ManualClock clock) throws SamgrError {
 *     ServiceHandle net = samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *     clock.advance(Duration.ofSeconds(6));
 *     assertEquals(List.of(net), samgr.sweepExpired());
 *   }
 * }
 * }</pre>
 *
 * <p>Put it on a test class (it is inherited by subclasses and applies to {@code @Nested} classes)
 * or on a test method; the annotation nearest the test wins: on the method, then on its class, then
 * on enclosing classes. It may also be used as a meta-annotation of a composed annotation. See
 * {@link SamgrExtension} for the full contract, and for registering the extension programmatically
 * instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SamgrExtension.class)
public @interface SamgrTest {

  /**
   * The environment name of the backend to open, such as {@code "host"} or {@code "os"}, as for
   * {@link org.opennexus.samgr.Samgr#open(String)}. Empty (the default) follows {@link
   * org.opennexus.samgr.Samgr}'s own rules: the {@code nexus.env} system property, else the {@code
   * NEXUS_ENV} environment variable, else the single backend present. If no backend matches, each
   * test that asks for a registry fails with {@code Samgr}'s {@link IllegalStateException}, whose
   * message says what to add or set.
   *
   * @return the environment name, or empty for {@code Samgr}'s rules
   */
  String environment() default "";

  /**
   * How long after its last heartbeat a service stays alive, in the duration syntax of {@link
   * org.opennexus.samgr.Durations} that settings and the command line share: {@code "5s"}, {@code
   * "250ms"}, {@code "2m"}, {@code "1h"}, a bare number of milliseconds ({@code "5000"}) or
   * ISO-8601 ({@code "PT5S"}, {@code "PT0.25S"}). Empty (the default) keeps {@code Samgr}'s default
   * of 30 seconds. A value that does not parse or is not positive fails each test that asks for a
   * registry with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming
   * the annotation, the test and the value.
   *
   * @return the liveness timeout, or empty for the default
   */
  String livenessTimeout() default "";

  /**
   * Whether a listener that throws during a test fails that test. If {@code true} (the default),
   * everything the registry's listeners throw (passed to {@link
   * org.opennexus.samgr.Samgr.Builder#listenerFailures}) is collected, and after the test's
   * {@code @AfterEach} methods the extension fails the test with an {@link AssertionError} whose
   * cause is the first {@code Throwable} a listener threw (the others are suppressed exceptions of
   * it), so that an {@code assertEquals} inside a listener fails the test like one in the test
   * method. {@code false} leaves listener failures to samgr's default: a logged warning.
   *
   * @return whether listener failures fail the test
   */
  boolean failOnListenerFailure() default true;
}
