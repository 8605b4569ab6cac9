package org.opennexus.samgr.junit;

import java.lang.reflect.Executable;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceManager;

/**
 * A JUnit Jupiter extension that gives each test a fresh samgr {@link ServiceManager} running on a
 * {@link ManualClock}, and closes it after the test.
 *
 * <h2>Registering it</h2>
 *
 * <p>Declaratively, with {@link SamgrTest} (which reads its settings from the annotation), or
 * programmatically, with settings from a {@link #builder()}:
 *
 * <pre>{@code
 * class SupervisorTest {
 *   @RegisterExtension
 *   static final SamgrExtension samgr =
 *       SamgrExtension.builder().environment("host").livenessTimeout(Duration.ofSeconds(5)).build();
 *
 *   @Test
 *   void silentServiceExpires() throws SamgrError {
 *     ServiceHandle net = samgr.manager().register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *     samgr.clock().advance(Duration.ofSeconds(6));
 *     assertEquals(List.of(net), samgr.manager().sweepExpired());
 *   }
 * }
 * }</pre>
 *
 * <p>Use one or the other in a test class: both at once would be two resolvers of the same
 * parameter types, which JUnit rejects.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>One registry per test.</b> Each test method, and each invocation of a repeated or
 *       parameterized test, gets a new registry from {@link org.opennexus.samgr.Samgr}, which
 *       shares nothing with any other. Within one test, the constructor (with the default
 *       per-method test instance lifecycle), {@code @BeforeEach} methods, the test method,
 *       {@code @AfterEach} methods, {@link #manager()} and {@link #clock()} all see the same
 *       registry. It is opened when first asked for, so tests that never ask open nothing.
 *   <li><b>Closed after the test.</b> The registry is closed after every {@code @AfterEach} method,
 *       whether the test passed, failed or was aborted (by this extension's {@code afterEach}, and
 *       again, idempotently, when the test's extension context closes). Closing waits for listener
 *       calls in flight on other threads. Afterwards its operations throw {@link
 *       IllegalStateException}.
 *   <li><b>Listener failures fail the test.</b> Whatever a listener of the test's registry throws
 *       (an {@code assertEquals} that fails inside a listener, say) is collected through {@link
 *       org.opennexus.samgr.Samgr.Builder#listenerFailures}; after the registry is closed, the test
 *       fails with an {@link AssertionError} whose cause is the first such {@code Throwable} (later
 *       ones are its suppressed exceptions). If the test failed itself, JUnit keeps the test's
 *       failure and adds this one to it as suppressed. Opt out with {@link
 *       SamgrTest#failOnListenerFailure()} or {@link Builder#failOnListenerFailure(boolean)}:
 *       listener failures are then only logged.
 *   <li><b>Any thread of the test.</b> {@link #manager()} and {@link #clock()} work on the test's
 *       thread and on threads it starts, including those JUnit starts for {@code
 *       assertTimeoutPreemptively} and {@code @Timeout(threadMode = SEPARATE_THREAD)}; see {@link
 *       #manager()} for how the current test is found under parallel execution.
 *   <li><b>A manual clock.</b> The registry always runs on a new {@link ManualClock} that starts at
 *       {@link #CLOCK_START} and moves only when the test moves it; it is the very clock the
 *       registry measures liveness by, so {@code clock.advance(...)} followed by {@link
 *       ServiceManager#sweepExpired()} sends {@link org.opennexus.samgr.ServiceEvent.Expired}
 *       deterministically, with no sleeps.
 *   <li><b>Parameters.</b> Parameters of exactly the types {@link ServiceManager} and {@link
 *       ManualClock} are resolved; any other type is left to other resolvers. A registry belongs to
 *       one test, so asking for one outside a test (in {@code @BeforeAll}, {@code @AfterAll}, or
 *       the constructor of a per-class test instance) fails with a {@link
 *       ParameterResolutionException} that says so; open a registry shared by the class with {@code
 *       Samgr.open()} there instead.
 *   <li><b>Errors.</b> If the backend cannot be opened, the test fails with the {@link
 *       IllegalStateException} from {@link org.opennexus.samgr.Samgr} (for a parameter, as the
 *       cause of JUnit's {@link ParameterResolutionException}, whose message repeats it): it names
 *       the environment asked for and says what to add or set.
 *   <li><b>Thread safety.</b> The extension keeps no static mutable state; each registry lives in
 *       its test's {@link ExtensionContext.Store}, so tests may run in parallel with one shared
 *       (static) extension instance.
 *   <li><b>Nested runs.</b> A test that runs other tests on its own thread (as with JUnit's {@code
 *       EngineTestKit}) gets its own context back when they end.
 * </ul>
 *
 * <p>The environment defaults to {@link org.opennexus.samgr.Samgr}'s own rules ({@code nexus.env},
 * {@code NEXUS_ENV}, the single backend present) and the liveness timeout to its default of 30
 * seconds.
 */
public final class SamgrExtension
    implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

  /** The instant at which each test's {@link ManualClock} starts: 2026-01-01T00:00:00Z. */
  public static final Instant CLOCK_START = Instant.parse("2026-01-01T00:00:00Z");

  /** The settings of a programmatic extension; {@code null}: read them from {@link SamgrTest}. */
  private final @Nullable Settings settings;

  /** Keeps this instance's registries apart from those of any other instance. */
  private final ExtensionContext.Namespace namespace =
      ExtensionContext.Namespace.create(SamgrExtension.class, new Object());

  /**
   * The context of the test this instance serves, per thread, for {@link #manager()} and {@link
   * #clock()}. Inheritable, so that threads a test starts (JUnit's own for {@code
   * assertTimeoutPreemptively} and {@code @Timeout(threadMode = SEPARATE_THREAD)}, or the test's)
   * see its context; a thread that outlives its test (a pooled one) may carry a finished test's
   * context, which {@link #active} tells apart, or a running test's while it runs another test's
   * task, which {@link Binding#inherited} and {@link #runsPooledTasks()} tell apart. Per instance
   * on purpose: it is this instance's view.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final InheritableThreadLocal<@Nullable Binding> running =
      new InheritableThreadLocal<>() {
        @Override
        protected @Nullable Binding childValue(@Nullable Binding parent) {
          return parent == null ? null : new Binding(parent.context(), true);
        }
      };

  /** The tests this instance serves right now (from beforeEach to afterEach), on any thread. */
  private final Set<ExtensionContext> active = ConcurrentHashMap.newKeySet();

  /**
   * Creates an extension that takes its settings from the {@link SamgrTest} annotation nearest each
   * test (on the test method, its class, or an enclosing class), or uses the defaults if there is
   * none. JUnit calls this for {@link SamgrTest} and {@code @ExtendWith}.
   */
  public SamgrExtension() {
    this(null);
  }

  private SamgrExtension(@Nullable Settings settings) {
    this.settings = settings;
  }

  /**
   * Returns a builder for an extension with fixed settings, to register with
   * {@code @RegisterExtension}. Such an extension ignores {@link SamgrTest} annotations.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the registry of the current test, opening it if this test has not asked for it yet.
   * Call it from a test method, a {@code @BeforeEach} or an {@code @AfterEach} method, or from any
   * thread while a test runs. The current test is found in this order:
   *
   * <ol>
   *   <li>the test whose thread is the calling thread or started it (directly or through threads it
   *       started): the test thread itself, the thread JUnit starts for {@code
   *       assertTimeoutPreemptively} and for {@code @Timeout(threadMode = SEPARATE_THREAD)}, and
   *       threads the test starts, if that test is still running; but not, while several tests run,
   *       a thread of a pool ({@link java.util.concurrent.ThreadPoolExecutor}, {@link
   *       java.util.concurrent.ForkJoinPool} and the executors built on them, JUnit's timeout
   *       threads excepted): the test that started it may not be the one whose task it runs;
   *   <li>otherwise, if exactly one test is running under this extension (any sequential run), that
   *       test: so a pooled thread created before the test also finds it.
   * </ol>
   *
   * <p>Under parallel execution, a thread that no running test started, or a pool's thread
   * (whichever test started it), cannot tell which of several running tests it serves, so the call
   * fails rather than return another test's registry; hand such threads the manager instead.
   *
   * @return the current test's registry
   * @throws IllegalStateException if no test is running under this extension, or several are and
   *     none of them started the calling thread or it is a pool's, or if the backend cannot be
   *     opened (with {@link org.opennexus.samgr.Samgr}'s message)
   */
  public ServiceManager manager() {
    return registry(runningTest("manager()")).manager();
  }

  /**
   * Returns the manual clock of the current test: the clock its {@link #manager()} measures
   * liveness by. The current test is found as {@link #manager()} finds it.
   *
   * @return the current test's clock
   * @throws IllegalStateException if no test is running under this extension, or several are and
   *     none of them started the calling thread, or if the backend cannot be opened
   */
  public ManualClock clock() {
    return registry(runningTest("clock()")).clock();
  }

  /**
   * Makes the test's context, not the class's, the one a constructor of a per-method test instance
   * sees, so that the constructor gets the same registry as the test.
   *
   * @param rootContext the root context
   * @return {@link ExtensionContextScope#TEST_METHOD}
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(
      ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  /**
   * Returns whether the parameter is a {@link ServiceManager} or a {@link ManualClock}.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context it is resolved in
   * @return {@code true} for exactly those two types
   */
  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == ServiceManager.class || type == ManualClock.class;
  }

  /**
   * Returns the current test's registry or its clock, opening the registry if needed.
   *
   * @param parameterContext the parameter, a {@link ServiceManager} or a {@link ManualClock}
   * @param extensionContext the context it is resolved in
   * @return the registry or its clock
   * @throws ParameterResolutionException if the parameter is resolved outside a test (such as in
   *     {@code @BeforeAll})
   * @throws IllegalStateException if the backend cannot be opened (JUnit wraps it in a {@link
   *     ParameterResolutionException})
   */
  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    if (extensionContext.getTestMethod().isEmpty()) {
      Executable where = parameterContext.getDeclaringExecutable();
      throw new ParameterResolutionException(
          "samgr opens one registry per test, so a "
              + type.getSimpleName()
              + " cannot be injected into "
              + where
              + ", which runs outside any single test; take it in the test method, a @BeforeEach"
              + " or @AfterEach method, or the constructor of a per-method test instance, or"
              + " open a registry shared by the class yourself with Samgr.open()");
    }
    Registry registry = registry(extensionContext);
    return type == ManualClock.class ? registry.clock() : registry.manager();
  }

  /**
   * Records the test's context for {@link #manager()} and {@link #clock()}.
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    // Kept to restore in afterEach: a test may itself run tests on this thread (EngineTestKit).
    context.getStore(namespace).put(Outer.class, new Outer(running.get()));
    running.set(new Binding(context, false));
    active.add(context);
  }

  /**
   * Ends the test for this extension: forgets its context, closes its registry (if the test asked
   * for one; this waits for listener calls in flight, so that what they throw is seen), and then
   * fails the test if a listener threw during it, unless {@link SamgrTest#failOnListenerFailure()}
   * or {@link Builder#failOnListenerFailure(boolean)} says not to.
   *
   * @param context the test's context
   * @throws AssertionError if a listener threw during the test: its cause is the first {@code
   *     Throwable} thrown, and the others are its suppressed exceptions
   */
  @Override
  public void afterEach(ExtensionContext context) {
    active.remove(context);
    ExtensionContext.Store store = context.getStore(namespace);
    Outer outer = store.remove(Outer.class, Outer.class);
    Binding previous = outer == null ? null : outer.binding();
    if (previous == null) {
      running.remove();
    } else {
      running.set(previous);
    }
    Registry registry = store.get(Registry.class, Registry.class);
    if (registry != null) {
      registry.close();
      failIfListenersThrew(registry.failures());
    }
  }

  private static void failIfListenersThrew(List<Registry.ListenerFailure> failures) {
    if (failures.isEmpty()) {
      return;
    }
    Registry.ListenerFailure first = failures.get(0);
    AssertionError failure =
        new AssertionError(
            (failures.size() == 1
                    ? "a samgr listener threw during this test"
                    : failures.size() + " samgr listener calls threw during this test; the first")
                + ", on "
                + first.event()
                + ": "
                + first.thrown()
                + " (the cause; @SamgrTest(failOnListenerFailure = false) or"
                + " SamgrExtension.builder().failOnListenerFailure(false) only logs them)",
            first.thrown());
    for (Registry.ListenerFailure other : failures.subList(1, failures.size())) {
      failure.addSuppressed(other.thrown());
    }
    throw failure;
  }

  /** The binding this thread had before a test began: non-null when tests run in a test. */
  private record Outer(@Nullable Binding binding) {}

  /**
   * A thread's test: {@code inherited} when the thread did not run the test's {@code beforeEach}
   * but was started by one that did (or by a thread so started).
   */
  private record Binding(ExtensionContext context, boolean inherited) {}

  @Override
  public String toString() {
    return "SamgrExtension[" + (settings == null ? "settings from @SamgrTest" : settings) + "]";
  }

  private Registry registry(ExtensionContext context) {
    return context
        .getStore(namespace)
        .getOrComputeIfAbsent(
            Registry.class,
            key -> (settings != null ? settings : Settings.nearest(context)).open(),
            Registry.class);
  }

  private ExtensionContext runningTest(String method) {
    Binding own = running.get();
    List<ExtensionContext> tests = List.copyOf(active);
    boolean pooled = false;
    if (own != null && active.contains(own.context())) {
      // A thread of a pool that a running test started runs whatever task any test submits:
      // under parallel execution it cannot tell whose registry a task wants.
      pooled = own.inherited() && tests.size() > 1 && runsPooledTasks();
      if (!pooled) {
        return own.context();
      }
    }
    if (tests.size() == 1) {
      return tests.get(0);
    }
    throw new IllegalStateException(
        (tests.isEmpty()
                ? "no test is running under " + this
                : tests.size()
                    + " tests are running in parallel under "
                    + this
                    + (pooled
                        ? " and this thread is a pool's, which may run a task of any of them"
                        : " and none of them started this thread"))
            + ", so "
            + method
            + " has no registry to return; call it while a test runs, from its thread or a"
            + " thread it started, or hand the manager to other threads");
  }

  /**
   * Whether the calling thread runs tasks of a thread pool ({@link
   * java.util.concurrent.ThreadPoolExecutor}, {@link java.util.concurrent.ForkJoinPool}), other
   * than the one JUnit makes for each {@code assertTimeoutPreemptively} call, which serves one test
   * only.
   */
  private static boolean runsPooledTasks() {
    return StackWalker.getInstance().walk(frames -> runsPooledTasks(frames.iterator()));
  }

  private static boolean runsPooledTasks(Iterator<StackWalker.StackFrame> frames) {
    boolean pooled = false;
    while (frames.hasNext()) {
      StackWalker.StackFrame frame = frames.next();
      String type = frame.getClassName();
      if (type.equals("org.junit.jupiter.api.AssertTimeoutPreemptively")) {
        return false;
      }
      pooled |=
          frame.getMethodName().equals("runWorker")
              && (type.equals("java.util.concurrent.ThreadPoolExecutor")
                  || type.equals("java.util.concurrent.ForkJoinPool"));
    }
    return pooled;
  }

  /**
   * Settings for a programmatically registered {@link SamgrExtension}. Not thread-safe; the
   * extension it builds is.
   */
  public static final class Builder {
    private @Nullable String environment;
    private @Nullable Duration livenessTimeout;
    private boolean failOnListenerFailure = true;

    private Builder() {}

    /**
     * Selects the backend by environment name, as {@link
     * org.opennexus.samgr.Samgr.Builder#environment(String)} does. Default: {@link
     * org.opennexus.samgr.Samgr}'s rules ({@code nexus.env}, {@code NEXUS_ENV}, the single backend
     * present).
     *
     * @param environment the backend's environment name, such as {@code "host"}
     * @return this builder
     * @throws NullPointerException if {@code environment} is {@code null}
     * @throws IllegalArgumentException if {@code environment} is empty
     */
    public Builder environment(String environment) {
      Objects.requireNonNull(environment, "environment must not be null");
      if (environment.isEmpty()) {
        throw new IllegalArgumentException("environment must not be empty");
      }
      this.environment = environment;
      return this;
    }

    /**
     * Sets how long after its last heartbeat a service stays alive. Default: {@link
     * org.opennexus.samgr.Samgr}'s, 30 seconds.
     *
     * @param livenessTimeout the timeout; positive
     * @return this builder
     * @throws NullPointerException if {@code livenessTimeout} is {@code null}
     * @throws IllegalArgumentException if {@code livenessTimeout} is zero or negative
     */
    public Builder livenessTimeout(Duration livenessTimeout) {
      Objects.requireNonNull(livenessTimeout, "livenessTimeout must not be null");
      if (livenessTimeout.isNegative() || livenessTimeout.isZero()) {
        throw new IllegalArgumentException(
            "livenessTimeout must be positive, but is " + livenessTimeout);
      }
      this.livenessTimeout = livenessTimeout;
      return this;
    }

    /**
     * Sets whether a listener that throws during a test fails that test, as {@link
     * SamgrTest#failOnListenerFailure()} does. Default: {@code true}.
     *
     * @param failOnListenerFailure {@code false} to only log what listeners throw
     * @return this builder
     */
    public Builder failOnListenerFailure(boolean failOnListenerFailure) {
      this.failOnListenerFailure = failOnListenerFailure;
      return this;
    }

    /**
     * Builds the extension with the settings as they are now.
     *
     * @return a new extension, to assign to a {@code @RegisterExtension} field
     */
    public SamgrExtension build() {
      return new SamgrExtension(new Settings(environment, livenessTimeout, failOnListenerFailure));
    }
  }
}
