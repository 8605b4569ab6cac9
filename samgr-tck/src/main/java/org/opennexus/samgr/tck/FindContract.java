package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.Nulls.nullString;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code find}: the current handle, or empty for a name not registered, never {@code NotFound}; the
 * same argument rules as every other operation.
 */
public interface FindContract extends Contract {

  /**
   * {@code find} returns the current handle, the one of the latest restart.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findReturnsCurrentHandleOfRegisteredService() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      assertEquals(Optional.of(first), manager.find("svc"));
      ServiceHandle second = manager.restart("svc", Endpoint.of("b"));
      assertEquals(Optional.of(second), manager.find("svc"));
    }
  }

  /**
   * {@code find} returns empty, not an exception, for a name never registered or unregistered.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findReturnsEmptyForNameNotRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      assertEquals(Optional.empty(), manager.find("svc"));
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      manager.unregister(handle);
      assertEquals(Optional.empty(), manager.find("svc"));
    }
  }

  /**
   * {@code find} rejects an invalid name with {@link IllegalArgumentException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findRejectsInvalidName() throws Exception {
    try (ServiceManager manager = open()) {
      for (String bad : List.of("", "a\u0000b", "x".repeat(257), "\uD800")) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> manager.find(bad));
        assertMessageContains(e, "name");
      }
    }
  }

  /**
   * {@code find(null)} throws {@link NullPointerException} naming the parameter.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findRejectsNullNameNamingIt() throws Exception {
    try (ServiceManager manager = open()) {
      assertNpeNaming("name", () -> manager.find(nullString()));
    }
  }

  /**
   * {@code find} declares no checked exception, so a stream of names maps through it as it is.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findMapsAStreamOfNames() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("x"));
      List<Optional<ServiceHandle>> found = Stream.of("a", "b").map(manager::find).toList();
      assertEquals(List.of(Optional.of(a), Optional.empty()), found);
    }
  }
}
