package org.opennexus.samgr.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceManager;

/**
 * One test's registry and the clock it runs on, kept in the test's {@link ExtensionContext.Store}
 * so that JUnit closes it when the test's context closes: after {@code @AfterEach}, whether the
 * test passed or not.
 *
 * <p>It is both {@link AutoCloseable} (what JUnit 5.13 and later close) and the deprecated {@link
 * ExtensionContext.Store.CloseableResource} (what JUnit closes even when {@code
 * junit.jupiter.extensions.store.close.autocloseable.enabled} is {@code false}, and what JUnit
 * 5.12 closes). JUnit closes a value once, and {@link ServiceManager#close()} is idempotent anyway.
 */
@SuppressWarnings("deprecation") // CloseableResource: see above
final class Registry implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  private final ServiceManager manager;
  private final ManualClock clock;

  Registry(ServiceManager manager, ManualClock clock) {
    this.manager = manager;
    this.clock = clock;
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
