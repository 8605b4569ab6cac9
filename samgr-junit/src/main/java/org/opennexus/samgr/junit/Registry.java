package org.opennexus.samgr.junit;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceManager;

/**
 * One test's registry and the clock it runs on, kept in the test's {@link ExtensionContext.Store}
 * so that JUnit closes it when the test's context closes: after {@code @AfterEach}, whether the
 * test passed or not.
 *
 * <p>It is both {@link AutoCloseable} (what JUnit 5.13 and later close) and the deprecated {@link
 * ExtensionContext.Store.CloseableResource} (what JUnit closes even when {@code
 * junit.jupiter.extensions.store.close.autocloseable.enabled} is {@code false}, and what JUnit 5.12
 * closes). JUnit closes a value once, and {@link ServiceManager#close()} is idempotent anyway.
 *
 * <p>It also holds what the registry's listeners threw, which the extension turns into a test
 * failure after the test.
 */
@SuppressWarnings("deprecation") // CloseableResource: see above
final class Registry implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  /** What a listener threw, and the event it was given. */
  record ListenerFailure(ServiceEvent event, Throwable thrown) {}

  private final ServiceManager manager;
  private final ManualClock clock;
  private final List<ListenerFailure> failures;

  /**
   * @param failures where the registry's listener-failure hook adds what listeners throw (a
   *     thread-safe list, filled on delivering threads), or an empty list that nothing fills
   */
  Registry(ServiceManager manager, ManualClock clock, List<ListenerFailure> failures) {
    this.manager = manager;
    this.clock = clock;
    this.failures = failures;
  }

  /** What listeners threw so far, in the order the hook was called. */
  List<ListenerFailure> failures() {
    return List.copyOf(failures);
  }

  ServiceManager manager() {
    return manager;
  }

  ManualClock clock() {
    return clock;
  }

  @Override
  public void close() {
    manager.close();
  }
}
