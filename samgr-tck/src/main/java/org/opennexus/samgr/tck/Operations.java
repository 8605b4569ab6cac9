package org.opennexus.samgr.tck;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Tables of calls to every {@link ServiceManager} operation, with valid and with bad arguments, for
 * the contracts that treat all operations alike.
 */
final class Operations {

  private Operations() {}

  /** One call to a registry. */
  @FunctionalInterface
  interface Call {
    void on(ServiceManager samgr) throws Exception;
  }

  /**
   * A call with valid arguments.
   *
   * @param operation the method name, as {@code SamgrError.Unsupported#operation()} reports it
   * @param signature how the call is shown in test names
   */
  record Valid(String operation, String signature, Call call) {}

  /**
   * A call with one bad argument.
   *
   * @param signature how the call is shown in test names
   * @param parameter the parameter the exception must name
   * @param expected the exception type the call must throw
   */
  record Bad(
      String signature, String parameter, Class<? extends RuntimeException> expected, Call call) {}

  static final String NAME = "tck.operation";
  static final Endpoint ENDPOINT = Endpoint.of("tcp://127.0.0.1:7000");
  static final ServiceHandle HANDLE = new ServiceHandle(NAME, ENDPOINT, new Generation(1));
  static final Consumer<ServiceEvent> LISTENER = event -> {};

  /**
   * Whether every {@link ServiceManager} method named {@code operation} declares {@code
   * SamgrError}; those that do not ({@code find}, {@code sweepExpired}) refuse with an unchecked
   * exception.
   */
  static boolean declaresSamgrError(String operation) {
    return Stream.of(ServiceManager.class.getMethods())
        .filter(m -> m.getName().equals(operation))
        .allMatch(m -> List.of(m.getExceptionTypes()).contains(SamgrError.class));
  }

  /** Every operation of {@link ServiceManager} but {@code environment} and {@code close}. */
  static List<Valid> valid() {
    return List.of(
        new Valid("register", "register(String, Endpoint)", s -> s.register(NAME, ENDPOINT)),
        new Valid("resolve", "resolve(String)", s -> s.resolve(NAME)),
        new Valid("find", "find(String)", s -> s.find(NAME)),
        new Valid("heartbeat", "heartbeat(ServiceHandle)", s -> s.heartbeat(HANDLE)),
        new Valid("restart", "restart(String, Endpoint)", s -> s.restart(NAME, ENDPOINT)),
        new Valid("restart", "restart(ServiceHandle, Endpoint)", s -> s.restart(HANDLE, ENDPOINT)),
        new Valid("unregister", "unregister(ServiceHandle)", s -> s.unregister(HANDLE)),
        new Valid("services", "services()", ServiceManager::services),
        new Valid("liveness", "liveness(String)", s -> s.liveness(NAME)),
        new Valid("sweepExpired", "sweepExpired()", ServiceManager::sweepExpired),
        new Valid("watch", "watch(String, Consumer)", s -> s.watch(NAME, LISTENER)),
        new Valid("watchAll", "watchAll(Consumer)", s -> s.watchAll(LISTENER)),
        new Valid("await", "await(String, Duration)", s -> s.await(NAME, Duration.ZERO)));
  }

  /**
   * Each operation with {@code null} in each reference parameter, an invalid (empty) name in each
   * name parameter, and a negative {@code await} timeout.
   */
  @SuppressWarnings("NullAway") // passes null on purpose
  static List<Bad> bad() {
    Class<NullPointerException> npe = NullPointerException.class;
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    return List.of(
        new Bad("register(null, endpoint)", "name", npe, s -> s.register(null, ENDPOINT)),
        new Bad("register(name, null)", "endpoint", npe, s -> s.register(NAME, null)),
        new Bad("register(\"\", endpoint)", "name", iae, s -> s.register("", ENDPOINT)),
        new Bad("resolve(null)", "name", npe, s -> s.resolve(null)),
        new Bad("resolve(\"\")", "name", iae, s -> s.resolve("")),
        new Bad("find(null)", "name", npe, s -> s.find(null)),
        new Bad("find(\"\")", "name", iae, s -> s.find("")),
        new Bad("heartbeat(null)", "handle", npe, s -> s.heartbeat(null)),
        new Bad(
            "restart((String) null, endpoint)",
            "name",
            npe,
            s -> s.restart((String) null, ENDPOINT)),
        new Bad("restart(name, null)", "endpoint", npe, s -> s.restart(NAME, null)),
        new Bad("restart(\"\", endpoint)", "name", iae, s -> s.restart("", ENDPOINT)),
        new Bad(
            "restart((ServiceHandle) null, endpoint)",
            "current",
            npe,
            s -> s.restart((ServiceHandle) null, ENDPOINT)),
        new Bad("restart(handle, null)", "endpoint", npe, s -> s.restart(HANDLE, null)),
        new Bad("unregister(null)", "handle", npe, s -> s.unregister(null)),
        new Bad("liveness(null)", "name", npe, s -> s.liveness(null)),
        new Bad("liveness(\"\")", "name", iae, s -> s.liveness("")),
        new Bad("watch(null, listener)", "name", npe, s -> s.watch(null, LISTENER)),
        new Bad("watch(name, null)", "listener", npe, s -> s.watch(NAME, null)),
        new Bad("watch(\"\", listener)", "name", iae, s -> s.watch("", LISTENER)),
        new Bad("watchAll(null)", "listener", npe, s -> s.watchAll(null)),
        new Bad("await(null, timeout)", "name", npe, s -> s.await(null, Duration.ZERO)),
        new Bad("await(name, null)", "timeout", npe, s -> s.await(NAME, null)),
        new Bad("await(\"\", timeout)", "name", iae, s -> s.await("", Duration.ZERO)),
        new Bad("await(name, -1 ms)", "timeout", iae, s -> s.await(NAME, Duration.ofMillis(-1))));
  }
}
