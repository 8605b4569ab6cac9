package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/** {@link Generations}: what it learns, and that it can never make two generations equal. */
class GenerationsTest {

  private static final Endpoint E = Endpoint.of("e");
  private static final Op REGISTER = new Op.Register("a", E);

  private static ServiceHandle h(String name, long generation) {
    return new ServiceHandle(name, E, new Generation(generation));
  }

  @Test
  void learnsFromHandlesIssuedTogetherAndTranslatesBothWays() {
    Generations g = new Generations();
    g.learn(REGISTER, new Outcome.Value(h("a", 1)), new Outcome.Value(h("a", 4_000)));
    assertEquals(new Op.Heartbeat(h("a", 4_000)), g.toBackend(new Op.Heartbeat(h("a", 1))));
    assertEquals(new Outcome.Value(h("a", 1)), g.toModel(new Outcome.Value(h("a", 4_000))));
    assertEquals(
        new Outcome.Value(Optional.of(h("a", 1))),
        g.toModel(new Outcome.Value(Optional.of(h("a", 4_000)))));
    assertEquals(
        new Outcome.Value(List.of(h("a", 1))),
        g.toModel(new Outcome.Value(List.of(h("a", 4_000)))));
    assertEquals(
        List.of(new ServiceEvent.Expired(h("a", 1))),
        g.toModel(List.of(new ServiceEvent.Expired(h("a", 4_000)))));
  }

  @Test
  void forgedGenerationsRoundTripAndUnlearnedOnesNeverMatch() {
    Generations g = new Generations();
    g.learn(REGISTER, new Outcome.Value(h("a", 1)), new Outcome.Value(h("a", 4_000)));
    // a generation the model never issued goes out far above any transaction id, and comes back
    assertEquals(
        new Op.Unregister(h("a", Generations.UNISSUED + 7)),
        g.toBackend(new Op.Unregister(h("a", 7))));
    assertEquals(
        new Outcome.Stale(h("a", 7), new Generation(1)),
        g.toModel(new Outcome.Stale(h("a", Generations.UNISSUED + 7), new Generation(4_000))));
    // a backend generation nobody learned reads back as no generation the model issues
    assertEquals(
        new Outcome.Value(h("a", Generations.UNLEARNED + 4_001)),
        g.toModel(new Outcome.Value(h("a", 4_001))));
  }

  @Test
  void handlesThatOperationsOnlyReturnOrBuildAreNotLearned() {
    Generations g = new Generations();
    g.learn(new Op.Resolve("a"), new Outcome.Value(h("a", 1)), new Outcome.Value(h("a", 4_000)));
    g.learn(
        new Op.HandleOf("a", E, new Generation(2)),
        new Outcome.Value(h("a", 2)),
        new Outcome.Value(h("a", 2)));
    assertEquals(
        new Outcome.Value(h("a", Generations.UNLEARNED + 4_000)),
        g.toModel(new Outcome.Value(h("a", 4_000))));
    assertEquals(
        new Outcome.Value(h("a", Generations.UNLEARNED + 2)),
        g.toModel(new Outcome.Value(h("a", 2))));
  }

  @Test
  void aBackendGenerationNotAboveTheLastIsOutOfOrder() {
    Generations g = new Generations();
    g.learn(REGISTER, new Outcome.Value(h("a", 1)), new Outcome.Value(h("a", 4_000)));
    g.learn(REGISTER, new Outcome.Value(h("b", 2)), new Outcome.Value(h("b", 4_100)));
    assertEquals(false, g.outOfOrder());
    g.learn(REGISTER, new Outcome.Value(h("c", 3)), new Outcome.Value(h("c", 3_999)));
    assertEquals(true, g.outOfOrder());
  }

  @Test
  void aSecondPairingOfEitherSideIsNotLearned() {
    Generations g = new Generations();
    g.learn(REGISTER, new Outcome.Value(h("a", 1)), new Outcome.Value(h("a", 4_000)));
    g.learn(
        REGISTER,
        new Outcome.Value(h("b", 2)),
        new Outcome.Value(h("b", 4_000))); // backend repeated
    g.learn(
        REGISTER, new Outcome.Value(h("b", 1)), new Outcome.Value(h("b", 5_000))); // model repeated
    assertEquals(
        new Outcome.Value(h("b", Generations.UNLEARNED + 5_000)),
        g.toModel(new Outcome.Value(h("b", 5_000))));
    assertEquals(
        new Op.Heartbeat(h("b", Generations.UNISSUED + 2)),
        g.toBackend(new Op.Heartbeat(h("b", 2))));
  }
}
