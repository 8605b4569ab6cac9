package org.opennexus.samgr.junit.tests;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs test classes marked {@link OnlyInEngineTestKit} on the Jupiter engine and reports. */
final class Kit {

  static final String PARAMETER = "samgr.junit.tests.kit";

  private Kit() {}

  static EngineExecutionResults run(Class<?> testClass) {
    return run(testClass, Map.of());
  }

  static EngineExecutionResults run(Class<?> testClass, Map<String, String> parameters) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(PARAMETER, "true")
        .configurationParameters(parameters)
        .selectors(selectClass(testClass))
        .execute();
  }

  /** The exceptions of the failed tests, in the order they finished. */
  static List<Throwable> testFailures(EngineExecutionResults results) {
    return results.testEvents().failed().stream().map(Kit::throwable).toList();
  }

  /** The exceptions of failed containers (classes), in the order they finished. */
  static List<Throwable> containerFailures(EngineExecutionResults results) {
    return results.containerEvents().failed().stream().map(Kit::throwable).toList();
  }

  private static Throwable throwable(Event event) {
    return event
        .getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .orElseThrow(() -> new AssertionError("no throwable in " + event));
  }
}
