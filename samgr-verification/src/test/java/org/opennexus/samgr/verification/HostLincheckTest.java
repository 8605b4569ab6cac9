package org.opennexus.samgr.verification;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import kotlin.Unit;
import kotlin.jvm.functions.Function1;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.lincheck.datastructures.DSLScenarioBuilder;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * Linearizability of the host backend, opened through {@code Samgr}, against {@link RegistryModel}:
 * Lincheck runs small concurrent scenarios of these operations and checks that every result is
 * explained by some sequential order of the model.
 *
 * <p>Names are {@code "a"} and {@code "b"}, endpoints two fixed ones, and handles are forged from a
 * name and a generation 1 or 2, which covers current, stale and never-issued generations. Results
 * are {@link Outcome}s, so exceptions compare by type and fields. The clock is a manual clock that
 * only {@link #passTime} moves (past the liveness timeout), so {@code liveness} and {@code
 * sweepExpired} are deterministic in each sequential order; {@link #close} is an operation too, so
 * every operation also races a close.
 *
 * <p>CI runs bounded options: {@code samgr.lincheck.iterations} 5 scenarios, each with {@code
 * samgr.lincheck.modelCheckingInvocations} 300 interleavings or {@code
 * samgr.lincheck.stressInvocations} 1,000 runs (under a minute each on 2 busy cores). A soak:
 * {@code ./mvnw -B -pl samgr-verification -am verify -Plincheck-soak} (100 scenarios, 5,000 and
 * 20,000), or set the properties. Class path only (see the module's pom). On JDK 21+ it needs
 * {@code -XX:+EnableDynamicAgentLoading}, which the parent pom's {@code jdk21+} profile adds.
 */
@Param(name = "name", gen = IntGen.class, conf = "0:1")
@Param(name = "endpoint", gen = IntGen.class, conf = "0:1")
@Param(name = "generation", gen = IntGen.class, conf = "1:2")
public class HostLincheckTest {

  private static final String[] NAMES = {"a", "b"};
  private static final Endpoint[] ENDPOINTS = {Endpoint.of("tcp://a"), Endpoint.of("tcp://b")};

  /**
   * The host provider, found once the way {@code Samgr} finds it ({@code ServiceLoader}); {@code
   * Samgr.open("host")} is exactly {@code HOST.open(config)} after selection. Selecting anew for
   * each of Lincheck's thousands of invocations would only time the class-path scan.
   */
  private static final SamgrBackend HOST =
      ServiceLoader.load(SamgrBackend.class).stream()
          .map(ServiceLoader.Provider::get)
          .filter(backend -> "host".equals(backend.environment()))
          .findFirst()
          .orElseThrow();

  private final ManualClock clock = ManualClock.at(Scenario.EPOCH);
  private final ServiceManager registry = HOST.open(new SamgrConfig(clock, Scenario.TIMEOUT));

  /** How far {@link #passTime} moves the clock: enough to expire every service. */
  private static final Duration PAST_TIMEOUT = Scenario.TIMEOUT.plusMillis(1);

  static ServiceHandle forged(int name, int generation) {
    return new ServiceHandle(NAMES[name], ENDPOINTS[0], new Generation(generation));
  }

  @Operation
  public Outcome register(@Param(name = "name") int name, @Param(name = "endpoint") int endpoint) {
    return Outcome.of(() -> registry.register(NAMES[name], ENDPOINTS[endpoint]));
  }

  @Operation
  public Outcome resolve(@Param(name = "name") int name) {
    return Outcome.of(() -> registry.resolve(NAMES[name]));
  }

  @Operation
  public Outcome find(@Param(name = "name") int name) {
    return Outcome.of(() -> registry.find(NAMES[name]));
  }

  @Operation
  public Outcome heartbeat(
      @Param(name = "name") int name, @Param(name = "generation") int generation) {
    return Outcome.ofVoid(() -> registry.heartbeat(forged(name, generation)));
  }

  @Operation
  public Outcome restart(@Param(name = "name") int name, @Param(name = "endpoint") int endpoint) {
    return Outcome.of(() -> registry.restart(NAMES[name], ENDPOINTS[endpoint]));
  }

  @Operation
  public Outcome restartFenced(
      @Param(name = "name") int name,
      @Param(name = "generation") int generation,
      @Param(name = "endpoint") int endpoint) {
    return Outcome.of(() -> registry.restart(forged(name, generation), ENDPOINTS[endpoint]));
  }

  @Operation
  public Outcome unregister(
      @Param(name = "name") int name, @Param(name = "generation") int generation) {
    return Outcome.ofVoid(() -> registry.unregister(forged(name, generation)));
  }

  @Operation
  public Outcome services() {
    return Outcome.of(registry::services);
  }

  @Operation
  public Outcome liveness(@Param(name = "name") int name) {
    return Outcome.of(() -> registry.liveness(NAMES[name]));
  }

  @Operation
  public Outcome sweepExpired() {
    return Outcome.of(registry::sweepExpired);
  }

  @Operation
  public Outcome awaitNow(@Param(name = "name") int name) {
    return Outcome.of(() -> registry.await(NAMES[name], Duration.ZERO));
  }

  /** Moves the clock past the timeout, so every service not beaten since is expired. */
  @Operation
  public Outcome passTime() {
    clock.advance(PAST_TIMEOUT);
    return new Outcome.Value(null);
  }

  @Operation
  public Outcome close() {
    return Outcome.ofVoid(registry::close);
  }

  /** The sequential specification: the same operations on {@link RegistryModel}. */
  public static class Specification {
    private final RegistryModel model = Scenario.newModel();

    public Outcome register(int name, int endpoint) {
      return model.register(NAMES[name], ENDPOINTS[endpoint]);
    }

    public Outcome resolve(int name) {
      return model.resolve(NAMES[name]);
    }

    public Outcome find(int name) {
      return model.find(NAMES[name]);
    }

    public Outcome heartbeat(int name, int generation) {
      return model.heartbeat(forged(name, generation));
    }

    public Outcome restart(int name, int endpoint) {
      return model.restart(NAMES[name], ENDPOINTS[endpoint]);
    }

    public Outcome restartFenced(int name, int generation, int endpoint) {
      return model.restart(forged(name, generation), ENDPOINTS[endpoint]);
    }

    public Outcome unregister(int name, int generation) {
      return model.unregister(forged(name, generation));
    }

    public Outcome services() {
      return model.services();
    }

    public Outcome liveness(int name) {
      return model.liveness(NAMES[name]);
    }

    public Outcome sweepExpired() {
      return model.sweepExpired();
    }

    public Outcome awaitNow(int name) {
      return model.await(NAMES[name], Duration.ZERO);
    }

    public Outcome passTime() {
      model.setNow(model.now() + PAST_TIMEOUT.toMillis());
      return new Outcome.Value(null);
    }

    public Outcome close() {
      return model.close();
    }
  }

  private static int iterations() {
    return Integer.getInteger("samgr.lincheck.iterations", 5);
  }

  /** Model checking explores interleavings exhaustively per scenario: far dearer per invocation. */
  private static int modelCheckingInvocations() {
    return Integer.getInteger("samgr.lincheck.modelCheckingInvocations", 300);
  }

  private static int stressInvocations() {
    return Integer.getInteger("samgr.lincheck.stressInvocations", 1_000);
  }

  /**
   * Scenarios that random generation rarely draws, for the races that matter most: two fenced
   * restarts from the same handle (exactly one may win), two registers of one name, unregister
   * against a fenced restart, and a snapshot against changes to two names.
   */
  private static <O extends Options<O, ?>> O withRaces(O options) {
    return options
        .addCustomScenario(
            scenario(
                List.of(call("register", 0, 0)),
                List.of(call("restartFenced", 0, 1, 0)),
                List.of(call("restartFenced", 0, 1, 1))))
        .addCustomScenario(
            scenario(List.of(), List.of(call("register", 0, 0)), List.of(call("register", 0, 1))))
        .addCustomScenario(
            scenario(
                List.of(call("register", 0, 0)),
                List.of(call("unregister", 0, 1)),
                List.of(call("restartFenced", 0, 1, 1), call("resolve", 0))))
        .addCustomScenario(
            scenario(
                List.of(call("register", 0, 0), call("register", 1, 0)),
                List.of(call("restart", 0, 1), call("unregister", 1, 2)),
                List.of(call("services"), call("services"))))
        .addCustomScenario(
            scenario(
                List.of(call("register", 0, 0)),
                List.of(call("passTime"), call("sweepExpired")),
                List.of(call("heartbeat", 0, 1), call("liveness", 0))))
        .addCustomScenario(
            scenario(
                List.of(call("register", 0, 0)),
                List.of(call("close")),
                List.of(call("register", 1, 0), call("resolve", 0), call("awaitNow", 1))));
  }

  /** One actor: an {@link Operation} method of this class by name, with its arguments. */
  private record Call(String method, List<Object> args) {}

  private static Call call(String method, Object... args) {
    return new Call(method, List.of(args));
  }

  /** A custom scenario from Java: Lincheck's DSL wants Kotlin functions and lambdas. */
  private static Function1<DSLScenarioBuilder, Unit> scenario(
      List<Call> initial, List<Call> thread1, List<Call> thread2) {
    return builder -> {
      if (!initial.isEmpty()) {
        builder.initial(actors(initial));
      }
      builder.parallel(
          parallel -> {
            parallel.thread(actors(thread1));
            parallel.thread(actors(thread2));
            return Unit.INSTANCE;
          });
      return Unit.INSTANCE;
    };
  }

  private static Function1<DSLThreadScenario, Unit> actors(List<Call> calls) {
    return thread -> {
      for (Call call : calls) {
        String name = call.method();
        Object[] args = call.args().toArray();
        Method method =
            Arrays.stream(HostLincheckTest.class.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == args.length)
                .findFirst()
                .orElseThrow();
        KFunction<?> function = ReflectJvmMapping.getKotlinFunction(method);
        thread.actor(Objects.requireNonNull(function, name), args);
      }
      return Unit.INSTANCE;
    };
  }

  @Test
  void linearizableUnderModelChecking() {
    withRaces(new ModelCheckingOptions())
        .iterations(iterations())
        .invocationsPerIteration(modelCheckingInvocations())
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(Specification.class)
        .check(HostLincheckTest.class);
  }

  @Test
  void linearizableUnderStress() {
    withRaces(new StressOptions())
        .iterations(iterations())
        .invocationsPerIteration(stressInvocations())
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(Specification.class)
        .check(HostLincheckTest.class);
  }
}
