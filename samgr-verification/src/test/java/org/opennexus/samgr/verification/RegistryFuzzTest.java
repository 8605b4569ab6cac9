package org.opennexus.samgr.verification;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;

/**
 * Jazzer fuzz tests over the same model comparison as {@link ModelBasedTest}.
 *
 * <p>By default ({@code ./mvnw verify}) each {@code @FuzzTest} runs once per committed input in
 * {@code src/test/resources/org/opennexus/samgr/verification/RegistryFuzzTestInputs/<method>/}, as
 * a regression test. To fuzz for real (coverage-guided; new crashing inputs are written to that
 * directory, commit them):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl samgr-verification -am test -Dtest=RegistryFuzzTest#registryMatchesModel \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration=2m
 * </pre>
 *
 * <p>Only one {@code @FuzzTest} method can fuzz per JVM, so select one with {@code -Dtest}.
 */
class RegistryFuzzTest {

  /** Fuzzer bytes as the choices of {@link Vocabulary}. */
  private static Choices choices(FuzzedDataProvider data) {
    return new Choices() {
      @Override
      public int pick(int bound) {
        return data.consumeInt(0, bound - 1);
      }

      @Override
      public String text(int maxLength) {
        return data.consumeString(maxLength);
      }

      @Override
      public boolean hasMore() {
        return data.remainingBytes() > 0;
      }
    };
  }

  /** A sequence of operations decoded from the input must behave as the model says. */
  @FuzzTest(maxDuration = "60s")
  void registryMatchesModel(FuzzedDataProvider data) {
    List<Op> ops = Vocabulary.sequence(choices(data));
    if (Scenario.run(ops) != null) {
      List<Op> minimal = Scenario.shrink(ops, candidate -> Scenario.run(candidate) != null);
      throw new AssertionError("the host registry disagrees with the model:" + Scenario.report(minimal, "host"));
    }
  }

  /**
   * Fuzzed text as a name and as an address, at every entry point and value type: each must give
   * exactly the outcome the model's rules predict, which is either a value or a documented
   * exception with a short message; the registry must not change.
   */
  @FuzzTest(maxDuration = "60s")
  void fuzzedTextGetsOnlyDocumentedOutcomes(FuzzedDataProvider data) {
    String name = data.consumeString(data.consumeInt(0, 600));
    String address = data.consumeRemainingAsString();
    Endpoint endpoint = Vocabulary.ENDPOINTS.get(0);
    List<Op> ops = new ArrayList<>();
    // Something to leave unchanged, including a stale handle for the fenced calls.
    ops.add(new Op.Register("a", endpoint));
    ops.add(new Op.RestartName("a", endpoint));
    ops.add(new Op.Register(name, endpoint));
    ops.add(new Op.Resolve(name));
    ops.add(new Op.Find(name));
    ops.add(new Op.LivenessOf(name));
    ops.add(new Op.Await(name, Duration.ZERO));
    ops.add(new Op.Watch(name, false));
    ops.add(new Op.RestartName(name, endpoint));
    ops.add(new Op.EndpointOf(address));
    ops.add(new Op.EndpointOf(name));
    ops.add(new Op.HandleOf(name, endpoint, new Generation(1)));
    if (RegistryModel.checkName(name) == null) {
      ServiceHandle stale = new ServiceHandle(name, endpoint, new Generation(1));
      ops.add(new Op.Heartbeat(stale));
      ops.add(new Op.RestartHandle(stale, endpoint));
      ops.add(new Op.Unregister(stale));
    }
    if (RegistryModel.endpoint(address) instanceof Outcome.Value) {
      ops.add(new Op.Register("b", Endpoint.of(address)));
    }
    ops.add(new Op.Services());
    Scenario.Mismatch mismatch = Scenario.run(ops);
    if (mismatch != null) {
      throw new AssertionError(mismatch.toString());
    }
  }
}
