package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Random operation sequences, valid and invalid, against the host registry and the {@link
 * RegistryModel}. Reproduce a failure with the seed it prints: {@code ./mvnw -B -pl
 * samgr-verification -am verify -Dtest=ModelBasedTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsamgr.model.seed=SEED}; {@code -Dsamgr.model.sequences=N} runs more.
 */
class ModelBasedTest {

  @Test
  void hostRegistryMatchesModelOnRandomSequences() {
    Scenario.assertRandomSequencesMatch(
        Scenario.Target.of("host"), Integer.getInteger("samgr.model.sequences", 1_000));
  }

  @Test
  void comparisonCatchesABackendThatDiffers() {
    // The os stub answers Unsupported where the model answers values: the harness must see it,
    // and shrink the sequence to the one operation that shows it.
    List<Op> ops =
        List.of(
            new Op.EndpointOf("x"),
            new Op.GenerationOf(3),
            new Op.Register("a", Vocabulary.ENDPOINTS.get(0)),
            new Op.Environment());
    assertNotNull(Scenario.run(ops, "os"));
    List<Op> minimal = Scenario.shrink(ops, candidate -> Scenario.run(candidate, "os") != null);
    assertEquals(1, minimal.size(), () -> Scenario.report(minimal, "os"));
  }

  @Test
  void shrinkKeepsOnlyWhatTheFailureNeeds() {
    List<Integer> all = IntStream.range(0, 50).boxed().toList();
    List<Integer> minimal = Scenario.shrink(all, list -> list.contains(7) && list.contains(41));
    assertEquals(List.of(7, 41), minimal);
  }
}
