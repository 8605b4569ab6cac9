package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The assertions the contracts share, for event sequences and for exception messages; backend
 * authors may use them in tests of their own.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * try (Subscription s = manager.watch("net", events)) {
 *   ServiceHandle h = manager.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *   assertEvents(events, new ServiceEvent.Registered(h));
 * }
 * }</pre>
 */
public final class SamgrAssertions {

  private SamgrAssertions() {}

  /**
   * Waits (at most {@link RecordingListener#DEFAULT_WAIT}) until {@code events} holds as many
   * events as {@code expected}, then asserts that it holds exactly those, in that order.
   *
   * @param events the listener that records the events
   * @param expected the events expected, in order
   * @return the events recorded
   * @throws AssertionError if too few arrived in time, or they differ from {@code expected}
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public static List<ServiceEvent> assertEvents(RecordingListener events, ServiceEvent... expected)
      throws InterruptedException {
    List<ServiceEvent> got = events.awaitEvents(expected.length);
    assertEquals(List.of(expected), got);
    return got;
  }

  /**
   * Watches {@code name} with a new {@link RecordingListener}, asserts that the watch receives
   * exactly {@code expected} first ({@link #assertEvents}), and closes the subscription.
   *
   * @param manager the registry to watch
   * @param name the name to watch
   * @param expected the events expected, in order
   * @throws SamgrError if the backend refuses the watch
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public static void assertWatchReceives(
      ServiceManager manager, String name, ServiceEvent... expected)
      throws SamgrError, InterruptedException {
    RecordingListener events = new RecordingListener();
    try (Subscription s = manager.watch(name, events)) {
      assertEvents(events, expected);
    }
  }

  /**
   * Returns the exception's message, or the empty string when it has none.
   *
   * @param e the exception
   * @return its message, never {@code null}
   */
  public static String message(Throwable e) {
    String message = e.getMessage();
    return message == null ? "" : message;
  }

  /**
   * Asserts that the exception's message contains every one of {@code parts}.
   *
   * @param e the exception
   * @param parts the texts its message must contain
   */
  public static void assertMessageContains(Throwable e, String... parts) {
    String message = message(e);
    for (String part : parts) {
      assertTrue(
          message.contains(part),
          () ->
              e.getClass().getName() + " message should contain '" + part + "' but is: " + message);
    }
  }

  /**
   * Asserts that the exception's message contains {@code number} as a whole number, not as part of
   * a longer one.
   *
   * @param e the exception
   * @param number the number its message must name
   */
  public static void assertMessageContainsNumber(Throwable e, long number) {
    String message = message(e);
    assertTrue(
        Pattern.compile("(?<![0-9])" + number + "(?![0-9])").matcher(message).find(),
        () -> e.getClass().getName() + " message should name " + number + " but is: " + message);
  }

  /**
   * Asserts that {@code call} throws {@link NullPointerException} whose message names {@code
   * parameter}.
   *
   * @param parameter the parameter's name
   * @param call the call that passes {@code null}
   * @return the exception thrown
   */
  public static NullPointerException assertNpeNaming(String parameter, Executable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call);
    assertMessageContains(e, parameter);
    return e;
  }

  /**
   * Asserts that a {@code StaleHandle} carries the stale handle and the current generation, and
   * that its message names the service and both generations.
   *
   * @param error the error thrown
   * @param stale the handle that was presented
   * @param current the service's current handle
   */
  public static void assertStale(
      SamgrError.StaleHandle error, ServiceHandle stale, ServiceHandle current) {
    assertEquals(stale, error.handle());
    assertEquals(current.generation(), error.current());
    assertMessageContains(error, stale.name());
    assertMessageContainsNumber(error, stale.generation().value());
    assertMessageContainsNumber(error, current.generation().value());
  }

  /**
   * Asserts that {@code call} is refused as unsupported: it throws {@link SamgrError.Unsupported},
   * or, from an operation that declares no checked exception ({@code find}, {@code sweepExpired}),
   * an {@link UnsupportedOperationException} whose cause is one, with its message.
   *
   * @param call the call to a backend that cannot perform it
   * @param what names the call in the failure message
   * @return the {@code Unsupported} thrown, directly or as the cause
   */
  public static SamgrError.Unsupported assertUnsupported(Executable call, String what) {
    Throwable thrown = assertThrows(Exception.class, call, what);
    if (thrown instanceof UnsupportedOperationException unchecked) {
      SamgrError.Unsupported cause =
          assertInstanceOf(SamgrError.Unsupported.class, unchecked.getCause(), what);
      assertEquals(cause.getMessage(), unchecked.getMessage(), what);
      return cause;
    }
    return assertInstanceOf(SamgrError.Unsupported.class, thrown, what);
  }
}
