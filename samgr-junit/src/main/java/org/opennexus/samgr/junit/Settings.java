package org.opennexus.samgr.junit;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opennexus.samgr.Durations;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/**
 * How to open a test's registry.
 *
 * @param environment the backend's environment name, or {@code null} for {@link Samgr}'s rules
 * @param livenessTimeout the liveness timeout, or {@code null} for {@link Samgr}'s default
 * @param failOnListenerFailure whether what a listener throws fails the test (else it is only
 *     logged, by {@link Samgr}'s default hook)
 */
record Settings(
    @Nullable String environment,
    @Nullable Duration livenessTimeout,
    boolean failOnListenerFailure) {

  static final Settings DEFAULTS = new Settings(null, null, true);

  /** Settings from the {@link SamgrTest} nearest the context: its method, class, outer classes. */
  static Settings nearest(ExtensionContext context) {
    for (Optional<ExtensionContext> at = Optional.of(context);
        at.isPresent();
        at = at.get().getParent()) {
      Optional<AnnotatedElement> element = at.get().getElement();
      if (element.isPresent()) {
        Optional<SamgrTest> annotation =
            AnnotationSupport.findAnnotation(element.get(), SamgrTest.class);
        if (annotation.isPresent()) {
          return of(annotation.get(), element.get());
        }
      }
    }
    return DEFAULTS;
  }

  private static Settings of(SamgrTest annotation, AnnotatedElement where) {
    String environment = annotation.environment();
    String timeout = annotation.livenessTimeout();
    Duration livenessTimeout = null;
    if (!timeout.isEmpty()) {
      try {
        String what = "@SamgrTest(livenessTimeout) on " + where + ": the value";
        livenessTimeout = Durations.parsePositive(timeout, what);
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException(e.getMessage(), e);
      }
    }
    return new Settings(
        environment.isEmpty() ? null : environment,
        livenessTimeout,
        annotation.failOnListenerFailure());
  }

  /**
   * Opens a new registry with these settings, on a new manual clock at {@link
   * SamgrExtension#CLOCK_START}.
   */
  Registry open() {
    ManualClock clock = ManualClock.at(SamgrExtension.CLOCK_START);
    Samgr.Builder builder = Samgr.builder().clock(clock);
    if (environment != null) {
      builder.environment(environment);
    }
    if (livenessTimeout != null) {
      builder.livenessTimeout(livenessTimeout);
    }
    List<Registry.ListenerFailure> failures = new CopyOnWriteArrayList<>();
    if (failOnListenerFailure) {
      builder.listenerFailures(
          (event, thrown) -> failures.add(new Registry.ListenerFailure(event, thrown)));
    }
    ServiceManager manager = builder.open();
    return new Registry(manager, clock, failures);
  }

  @Override
  public String toString() {
    return "environment="
        + (environment == null ? "<Samgr's rules>" : environment)
        + ", livenessTimeout="
        + (livenessTimeout == null ? "<Samgr's default>" : livenessTimeout)
        + ", failOnListenerFailure="
        + failOnListenerFailure;
  }
}
