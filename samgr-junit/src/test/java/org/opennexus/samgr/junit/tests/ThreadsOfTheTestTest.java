package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrExtension;

/**
 * {@code manager()} and {@code clock()} on the threads a test runs on besides its own: the ones
 * JUnit starts for a preemptive timeout, the ones the test starts, and pooled threads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadsOfTheTestTest {

  @RegisterExtension static final SamgrExtension samgr = SamgrExtension.builder().build();

  /** One pooled thread, started before any test, so it inherited no test's context. */
  private static ExecutorService pool;

  /** A thread started by the first test that outlives it, to be asked during the second. */
  private static final AtomicReference<ExecutorService> startedByFirstTest =
      new AtomicReference<>();

  private static final AtomicReference<ServiceManager> firstTestsManager = new AtomicReference<>();

  private ServiceManager fromBeforeEach;
  private ManualClock clockFromBeforeEach;

  @BeforeAll
  static void startPool() throws Exception {
    pool = Executors.newSingleThreadExecutor();
    pool.submit(() -> {}).get(); // its thread exists now, outside any test
  }

  @AfterAll
  static void stopPools() {
    pool.shutdownNow();
    ExecutorService started = startedByFirstTest.get();
    if (started != null) {
      started.shutdownNow();
    }
  }

  @BeforeEach
  void rememberTheTestsRegistry() {
    fromBeforeEach = samgr.manager();
    clockFromBeforeEach = samgr.clock();
  }

  @Test
  @Order(1)
  void assertTimeoutPreemptivelysThreadSeesTheTestsRegistryAndClock() throws SamgrError {
    Thread testThread = Thread.currentThread();
    ServiceManager manager =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> {
              assertNotSame(testThread, Thread.currentThread(), "runs on a thread of JUnit's");
              assertSame(clockFromBeforeEach, samgr.clock());
              ServiceManager inside = samgr.manager();
              inside.register("from-timeout-thread", Endpoint.of("tcp://127.0.0.1:7000"));
              return inside;
            });
    assertSame(fromBeforeEach, manager);
    assertEquals(1, fromBeforeEach.services().size());

    // A thread that outlives this test, asked again in the next one.
    ExecutorService started = Executors.newSingleThreadExecutor();
    startedByFirstTest.set(started);
    assertSame(fromBeforeEach, assertDoesNotFail(started.submit(samgr::manager)));
    firstTestsManager.set(fromBeforeEach);
  }

  @Test
  @Order(2)
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void separateThreadTimeoutModeSeesTheTestsRegistryAndClock(ServiceManager parameter)
      throws Exception {
    assertTrue(
        Thread.currentThread().getName().startsWith("junit-timeout-thread"),
        Thread.currentThread().getName());
    assertSame(fromBeforeEach, samgr.manager());
    assertSame(parameter, samgr.manager());
    assertSame(clockFromBeforeEach, samgr.clock());

    // The thread the first test started carries that finished test's context: it gets this one's.
    ServiceManager first = firstTestsManager.get();
    assertNotNull(first);
    assertSame(fromBeforeEach, assertDoesNotFail(startedByFirstTest.get().submit(samgr::manager)));
    assertNotSame(first, fromBeforeEach);
  }

  @Test
  @Order(3)
  void threadsTheTestStartsAndAPoolStartedBeforeItSeeItsRegistry() throws Exception {
    AtomicReference<ServiceManager> seen = new AtomicReference<>();
    Thread started = new Thread(() -> seen.set(samgr.manager()));
    started.start();
    started.join(TimeUnit.SECONDS.toMillis(30));
    assertSame(fromBeforeEach, seen.get());
    // The pool's thread belongs to no test; the only test running is this one.
    assertSame(fromBeforeEach, assertDoesNotFail(pool.submit(samgr::manager)));
    assertSame(clockFromBeforeEach, assertDoesNotFail(pool.submit(samgr::clock)));
  }

  private static <T> T assertDoesNotFail(Future<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the pooled call failed", e);
    }
  }

  // ---- parallel execution, run in EngineTestKit ----

  @OnlyInEngineTestKit
  static class ParallelWithASharedPool {
    static final int TESTS = 2;

    @RegisterExtension static final SamgrExtension samgr = SamgrExtension.builder().build();

    static ExecutorService shared;
    static final CountDownLatch allRunning = new CountDownLatch(TESTS);
    static final CountDownLatch allAsked = new CountDownLatch(TESTS);
    static final Set<ServiceManager> fromOwnThreads = ConcurrentHashMap.newKeySet();
    static final List<Throwable> fromShared = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startShared() throws Exception {
      shared = Executors.newSingleThreadExecutor();
      shared.submit(() -> {}).get();
    }

    @AfterAll
    static void stopShared() {
      shared.shutdownNow();
    }

    @RepeatedTest(TESTS)
    void test(ServiceManager parameter) throws Exception {
      allRunning.countDown();
      assertTrue(allRunning.await(30, TimeUnit.SECONDS), "the tests did not run together");
      AtomicReference<ServiceManager> own = new AtomicReference<>();
      Thread started = new Thread(() -> own.set(samgr.manager()));
      started.start();
      started.join(TimeUnit.SECONDS.toMillis(30));
      assertSame(parameter, own.get(), "a thread the test started sees the test's registry");
      fromOwnThreads.add(own.get());
      try {
        shared.submit(samgr::manager).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        fromShared.add(e.getCause());
      }
      // Both stay running until both have asked, so each asks while two tests run.
      allAsked.countDown();
      assertTrue(allAsked.await(30, TimeUnit.SECONDS), "the other test did not ask");
    }
  }

  @Test
  @Order(4)
  void underParallelExecutionAThreadNoTestStartedCannotPickOneAndSaysSo() {
    EngineExecutionResults results =
        Kit.run(
            ParallelWithASharedPool.class,
            Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"));
    assertEquals(List.of(), Kit.testFailures(results));
    assertEquals(ParallelWithASharedPool.TESTS, ParallelWithASharedPool.fromOwnThreads.size());
    assertEquals(ParallelWithASharedPool.TESTS, ParallelWithASharedPool.fromShared.size());
    for (Throwable failure : ParallelWithASharedPool.fromShared) {
      IllegalStateException e = assertInstanceOf(IllegalStateException.class, failure);
      assertTrue(
          e.getMessage().contains("2 tests are running in parallel under SamgrExtension["),
          e.getMessage());
      assertTrue(e.getMessage().contains("none of them started this thread"), e.getMessage());
      assertTrue(e.getMessage().contains("manager()"), e.getMessage());
    }
  }

  @OnlyInEngineTestKit
  static class ParallelWithAPoolATestStarted {
    static final int TESTS = 2;

    @RegisterExtension static final SamgrExtension samgr = SamgrExtension.builder().build();

    /** Its one thread is made by the first task, so it inherits the context of a running test. */
    static ExecutorService lazy;

    static final CountDownLatch allRunning = new CountDownLatch(TESTS);
    static final CountDownLatch allAsked = new CountDownLatch(TESTS);
    static final List<Object> answers = new CopyOnWriteArrayList<>();
    static final Set<ServiceManager> others = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void makeThePool() {
      lazy = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stopThePool() {
      lazy.shutdownNow();
    }

    @RepeatedTest(TESTS)
    void test(ServiceManager parameter) throws Exception {
      allRunning.countDown();
      assertTrue(allRunning.await(30, TimeUnit.SECONDS), "the tests did not run together");
      try {
        ServiceManager got = lazy.submit(samgr::manager).get(30, TimeUnit.SECONDS);
        answers.add(got);
        if (!got.equals(parameter)) {
          others.add(got);
        }
      } catch (ExecutionException e) {
        answers.add(e.getCause());
      }
      allAsked.countDown();
      assertTrue(allAsked.await(30, TimeUnit.SECONDS), "the other test did not ask");
    }
  }

  @Test
  @Order(5)
  void underParallelExecutionAPoolThreadATestStartedNeverGivesAnotherTestsRegistry() {
    EngineExecutionResults results =
        Kit.run(
            ParallelWithAPoolATestStarted.class,
            Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"));
    assertEquals(List.of(), Kit.testFailures(results));
    assertEquals(Set.of(), ParallelWithAPoolATestStarted.others, "another test's registry");
    assertEquals(ParallelWithAPoolATestStarted.TESTS, ParallelWithAPoolATestStarted.answers.size());
    for (Object answer : ParallelWithAPoolATestStarted.answers) {
      IllegalStateException e = assertInstanceOf(IllegalStateException.class, answer);
      assertTrue(
          e.getMessage().contains("2 tests are running in parallel under SamgrExtension["),
          e.getMessage());
      assertTrue(
          e.getMessage().contains("this thread is a pool's, which may run a task of any of them"),
          e.getMessage());
    }
  }

  @Test
  @Order(6)
  void outsideAnyTestTheAccessorsSaySoOnEveryThread() throws Exception {
    SamgrExtension unused = SamgrExtension.builder().build();
    IllegalStateException onThisThread = assertThrows(IllegalStateException.class, unused::clock);
    assertTrue(
        onThisThread.getMessage().startsWith("no test is running under SamgrExtension["),
        onThisThread.getMessage());
    assertTrue(onThisThread.getMessage().contains("clock()"), onThisThread.getMessage());
    Future<ServiceManager> onPool = pool.submit(unused::manager);
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> onPool.get(30, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
  }
}
