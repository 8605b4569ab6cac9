package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code services}: an unmodifiable snapshot of the current handles, sorted by name in {@link
 * String} order.
 */
public interface ServicesContract extends Contract {

  /**
   * An empty registry lists no services.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesOfEmptyRegistryIsEmpty() throws Exception {
    try (ServiceManager manager = open()) {
      assertEquals(List.of(), manager.services());
    }
  }

  /**
   * {@code services} is sorted by name in {@link String#compareTo} order (upper case before lower
   * case, "a10" before "a9", non-ASCII last), whatever the order of registration.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesAreSortedByNameInStringOrder() throws Exception {
    try (ServiceManager manager = open()) {
      List<String> names = List.of("b", "\u00e4", "a9", "Z", "a10", "B", "a");
      List<ServiceHandle> registered = new ArrayList<>();
      for (String name : names) {
        registered.add(manager.register(name, Endpoint.of("ep-" + name)));
      }
      registered.sort((x, y) -> x.name().compareTo(y.name()));
      assertEquals(
          List.of("B", "Z", "a", "a10", "a9", "b", "\u00e4"),
          registered.stream().map(ServiceHandle::name).toList());
      assertEquals(registered, manager.services());
    }
  }

  /**
   * {@code services} lists the current handles: after a restart the new one, after an unregister
   * none.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesListsCurrentHandles() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      ServiceHandle b = manager.register("b", Endpoint.of("2"));
      ServiceHandle a2 = manager.restart(a, Endpoint.of("3"));
      assertEquals(List.of(a2, b), manager.services());
      manager.unregister(b);
      assertEquals(List.of(a2), manager.services());
    }
  }

  /**
   * The list {@code services} returns is a snapshot: later changes do not show in it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesIsSnapshotNotLiveView() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      List<ServiceHandle> snapshot = manager.services();
      ServiceHandle a2 = manager.restart(a, Endpoint.of("2"));
      ServiceHandle b = manager.register("b", Endpoint.of("3"));
      assertEquals(List.of(a), snapshot);
      assertEquals(List.of(a2, b), manager.services());
    }
  }

  /**
   * The list {@code services} returns cannot be modified.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesListIsUnmodifiable() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      List<ServiceHandle> list = manager.services();
      assertThrows(UnsupportedOperationException.class, () -> list.add(a));
      assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
      assertThrows(UnsupportedOperationException.class, () -> list.set(0, a));
      assertThrows(UnsupportedOperationException.class, list::clear);
      List<ServiceHandle> empty = open().services();
      assertThrows(UnsupportedOperationException.class, () -> empty.add(a));
      assertEquals(List.of(a), manager.services());
    }
  }
}
