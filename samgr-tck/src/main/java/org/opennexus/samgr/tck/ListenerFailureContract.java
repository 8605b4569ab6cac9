package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Delivery rules, listener failures: a listener's {@code Throwable} of any kind goes to the {@code
 * listenerFailures} hook and disturbs neither the writer nor later events; a throwing hook disturbs
 * nothing either; a listener neither sees nor swallows a writer's interrupt.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface ListenerFailureContract extends DeliveryModes {

  // ---- listener failures ----

  /**
   * A listener that throws a checked exception it did not declare (as Kotlin, Groovy or Lombok's
   * {@code @SneakyThrows} do) changes nothing for the writer: {@code register} returns its handle,
   * the hook receives the event and that very exception, and later events reach the same listener
   * and the others.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sneakyCheckedExceptionFromListenerGoesToTheHookAndDisturbsNothing()
      throws Exception {
    assertListenerFailureDisturbsNothing(new IOException("listener broke"));
  }

  /**
   * A listener that throws an {@link Error} (a failed assertion, say) changes nothing for the
   * writer: the hook receives it, and later events still arrive.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void errorFromListenerGoesToTheHookAndDisturbsNothing() throws Exception {
    assertListenerFailureDisturbsNothing(new AssertionError("expected: <1> but was: <2>"));
  }

  private void assertListenerFailureDisturbsNothing(Throwable thrown) throws Exception {
    Failures failures = new Failures();
    try (ServiceManager manager = builder().listenerFailures(failures).open()) {
      RecordingListener failing = new RecordingListener();
      RecordingListener other = new RecordingListener();
      manager.watch("svc", DeliveryTests.throwingOnce(failing, thrown));
      manager.watch("svc", other);
      ServiceHandle first =
          Daemon.start("samgr-tck-writer", () -> manager.register("svc", Endpoint.of("a")))
              .join("register whose listener throws");
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      manager.unregister(second);
      List<ServiceEvent> expected =
          List.of(new Registered(first), new Restarted(second), new Unregistered(second));
      assertEquals(expected, failing.awaitEvents(3));
      assertEquals(expected, other.awaitEvents(3));
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(List.of(new Failures.Failure(new Registered(first), thrown)), reported);
      assertSame(thrown, reported.get(0).failure());
    }
  }

  /**
   * A {@code listenerFailures} hook that throws itself disturbs nothing either: the writer returns,
   * later events arrive.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void throwingHookDisturbsNothing() throws Exception {
    AtomicReference<ServiceEvent> hookSaw = new AtomicReference<>();
    try (ServiceManager manager =
        builder()
            .listenerFailures(
                (event, failure) -> {
                  hookSaw.set(event);
                  throw new IllegalStateException("the hook broke too");
                })
            .open()) {
      RecordingListener events = new RecordingListener();
      manager.watch(
          "svc",
          DeliveryTests.throwingOnce(events, new IllegalArgumentException("listener broke")));
      ServiceHandle first =
          Daemon.start("samgr-tck-writer", () -> manager.register("svc", Endpoint.of("a")))
              .join("register whose listener and hook throw");
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      assertEquals(new Registered(first), hookSaw.get());
    }
  }

  /**
   * A listener neither sees nor swallows the interrupt flag of the thread that made the change: it
   * runs with the flag clear, and the writer's flag is still set when its call returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerNeitherSeesNorSwallowsTheWritersInterrupt() throws Exception {
    try (ServiceManager manager = open()) {
      List<Boolean> interruptedInListener = new CopyOnWriteArrayList<>();
      RecordingListener events = new RecordingListener();
      manager.watch(
          "svc",
          event -> {
            interruptedInListener.add(Thread.currentThread().isInterrupted());
            events.accept(event);
          });
      ServiceHandle handle;
      boolean flagAfterRegister;
      Thread.currentThread().interrupt();
      try {
        handle = manager.register("svc", Endpoint.of("a"));
      } finally {
        flagAfterRegister = Thread.interrupted();
      }
      assertTrue(flagAfterRegister, "register cleared the caller's interrupt flag");
      assertEquals(List.of(new Registered(handle)), events.awaitEvents(1));
      assertEquals(List.of(false), interruptedInListener);
    }
  }

  /**
   * A listener that throws {@link InterruptedException} (sneakily): the hook receives it, the
   * thread that ran the listener has its interrupt flag set again afterwards, and delivery goes on.
   * Run on an executor, so the flag can be read where the listener ran.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void interruptedExceptionFromListenerSetsTheFlagAgainAndGoesToTheHook() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor(Executors.defaultThreadFactory());
    List<Boolean> flagAfterTask = new CopyOnWriteArrayList<>();
    Executor recording =
        task ->
            pool.execute(
                () -> {
                  task.run();
                  flagAfterTask.add(Thread.interrupted());
                });
    InterruptedException thrown = new InterruptedException("listener interrupted");
    try (ServiceManager manager = builder().executor(recording).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", DeliveryTests.throwingOnce(events, thrown));
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(List.of(new Failures.Failure(new Registered(first), thrown)), reported);
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      pool.shutdown(); // every task has ended, and recorded the flag it left, once it terminates
      assertTrue(pool.awaitTermination(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      assertTrue(flagAfterTask.contains(true), "interrupt flag not set again: " + flagAfterTask);
    } finally {
      Races.shutdown(pool);
    }
  }
}
