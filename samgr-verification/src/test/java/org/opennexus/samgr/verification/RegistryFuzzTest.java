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
 * a regression test. To fuzz for real, coverage-guided, for the test's {@code maxDuration} (CI does
 * this for both methods):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl samgr-verification -am test -Dtest=RegistryFuzzTest#registryMatchesModel \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Only one {@code @FuzzTest} method can fuzz per JVM, so select one with {@code -Dtest}. A
 * crashing input is written to the inputs directory above: commit it with the fix. The inputs found
 * so far (the generated corpus is in {@code samgr-verification/.cifuzz-corpus/}, not committed) are
 * committed in minimized form: libFuzzer's merge keeps the fewest files that reach every edge the
 * corpus reaches, with the test class path from a Surefire report:
 *
 * <pre>
 * java -cp "$CLASSPATH" com.code_intelligence.jazzer.Jazzer \
 *     --target_class=org.opennexus.samgr.verification.RegistryFuzzTest \
 *     --target_method=registryMatchesModel -merge=1 -use_counters=0 -use_value_profile=0 \
 *     NEW_DIR .cifuzz-corpus/org.opennexus.samgr.verification.RegistryFuzzTest/registryMatchesModel
 * </pre>
 *
 * <p>Committed that way on 2026-11-26 from two 60-second sessions (181,000 and 288,000 runs, no
 * finding): 62 inputs for {@code registryMatchesModel}, 10 for {@code
 * fuzzedTextGetsOnlyDocumentedOutcomes}; the other files there are hand-written seeds.
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
      throw new AssertionError(
          "the host registry disagrees with the model:" + Scenario.report(minimal, "host"));
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
