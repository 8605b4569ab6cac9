package org.opennexus.samgr.verification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.verification.Op.Await;
import org.opennexus.samgr.verification.Op.Close;
import org.opennexus.samgr.verification.Op.EndpointOf;
import org.opennexus.samgr.verification.Op.Environment;
import org.opennexus.samgr.verification.Op.Find;
import org.opennexus.samgr.verification.Op.GenerationOf;
import org.opennexus.samgr.verification.Op.HandleOf;
import org.opennexus.samgr.verification.Op.Heartbeat;
import org.opennexus.samgr.verification.Op.LivenessOf;
import org.opennexus.samgr.verification.Op.MoveClock;
import org.opennexus.samgr.verification.Op.Register;
import org.opennexus.samgr.verification.Op.Resolve;
import org.opennexus.samgr.verification.Op.RestartHandle;
import org.opennexus.samgr.verification.Op.RestartName;
import org.opennexus.samgr.verification.Op.Services;
import org.opennexus.samgr.verification.Op.SweepExpired;
import org.opennexus.samgr.verification.Op.Unregister;
import org.opennexus.samgr.verification.Op.Watch;

/**
 * Builds operation sequences from {@link Choices}. A shadow {@link RegistryModel} runs alongside,
 * so handle arguments are real handles the registry issued (current or stale), besides forged and
 * {@code null} ones. Names come mostly from a small pool, so that operations collide; the rest are
 * bad (each rule broken) or arbitrary.
 */
final class Vocabulary {

  /** The longest sequence generated. */
  static final int MAX_OPS = 60;

  /** A valid name of exactly 256 units, ending in a surrogate pair (U+1F600). */
  static final String LIMIT_NAME = "é".repeat(254) + "\uD83D\uDE00";

  /** Valid names: ASCII, non-ASCII, a supplementary character, and one at the length limit. */
  static final List<String> GOOD_NAMES =
      List.of("a", "b", "c", "dns/ü", "名前", "x\uD83D\uDE00", LIMIT_NAME);

  /** One name for each rule, and each ISO control class and surrogate half. */
  static final List<String> BAD_NAMES =
      List.of(
          "",
          "n".repeat(257),
          "\u0000",
          "a\u001F",
          "\u007Fb",
          "c\u009F",
          "\uD800",
          "\uDC00x",
          "x\uD83D",
          "\uDE00\uD83D",
          "a\uFE0F",
          "x\uDB40\uDD00",
          "\u3164",
          "\u2800",
          "\u0301a");

  static final List<Endpoint> ENDPOINTS =
      List.of(Endpoint.of("tcp://127.0.0.1:7000"), Endpoint.of("vmo:42"), Endpoint.of("ü"));

  static final List<String> BAD_ADDRESSES =
      List.of(
          "",
          "e".repeat(4097),
          "tcp://\u0000",
          "\u009F",
          "\uDBFF",
          "\uDFFF",
          "tcp://\u034F",
          "\u2800",
          "\u20DDtcp://");

  static final List<Long> MOVES =
      List.of(0L, 1L, 29_999L, 30_000L, 30_001L, 60_000L, -1L, -30_001L);

  private final Choices choices;
  private final RegistryModel shadow = Scenario.newModel();

  private Vocabulary(Choices choices) {
    this.choices = choices;
  }

  /** A sequence of 1 to {@link #MAX_OPS} operations. */
  static List<Op> sequence(Choices choices) {
    Vocabulary vocabulary = new Vocabulary(choices);
    int length = 1 + choices.pick(MAX_OPS);
    List<Op> ops = new ArrayList<>(length);
    for (int i = 0; i < length && choices.hasMore(); i++) {
      Op op = vocabulary.next();
      op.onModel(vocabulary.shadow);
      ops.add(op);
    }
    return ops;
  }

  private <T> T oneOf(List<T> values) {
    return values.get(choices.pick(values.size()));
  }

  private @Nullable String name() {
    int kind = choices.pick(20);
    if (kind < 15) {
      return oneOf(GOOD_NAMES.subList(0, 3 + (kind % 4 == 0 ? 4 : 0)));
    }
    if (kind < 18) {
      return oneOf(BAD_NAMES);
    }
    if (kind < 19) {
      return null;
    }
    return choices.text(300);
  }

  private @Nullable Endpoint endpoint() {
    return choices.pick(20) == 0 ? null : oneOf(ENDPOINTS);
  }

  private @Nullable String address() {
    int kind = choices.pick(10);
    if (kind < 4) {
      return oneOf(ENDPOINTS).address();
    }
    if (kind < 8) {
      return oneOf(BAD_ADDRESSES);
    }
    if (kind < 9) {
      return null;
    }
    return choices.text(5000);
  }

  private @Nullable ServiceHandle handle() {
    int kind = choices.pick(20);
    List<ServiceHandle> issued = shadow.issued();
    if (kind < 16 && !issued.isEmpty()) {
      // Recent handles are likelier current; older ones likelier stale.
      int back = Math.min(issued.size(), 1 + choices.pick(4));
      return choices.pick(3) == 0 ? oneOf(issued) : issued.get(issued.size() - back);
    }
    if (kind < 19) {
      String name = oneOf(GOOD_NAMES.subList(0, 3));
      return new ServiceHandle(
          name, oneOf(ENDPOINTS), new Generation(1 + choices.pick(issued.size() + 2)));
    }
    return null;
  }

  private Op next() {
    int op = choices.pick(100);
    if (op < 20) {
      return new Register(name(), endpoint());
    } else if (op < 28) {
      return new Resolve(name());
    } else if (op < 33) {
      return new Find(name());
    } else if (op < 45) {
      return new Heartbeat(handle());
    } else if (op < 52) {
      return new RestartName(name(), endpoint());
    } else if (op < 61) {
      return new RestartHandle(handle(), endpoint());
    } else if (op < 70) {
      return new Unregister(handle());
    } else if (op < 74) {
      return new Services();
    } else if (op < 79) {
      return new LivenessOf(name());
    } else if (op < 82) {
      return new SweepExpired();
    } else if (op < 84) {
      int t = choices.pick(10);
      return new Await(name(), t < 8 ? Duration.ZERO : t < 9 ? Duration.ofMillis(-1) : null);
    } else if (op < 86) {
      return new Watch(name(), choices.pick(10) == 0);
    } else if (op < 92) {
      return new MoveClock(oneOf(MOVES));
    } else if (op < 94) {
      return new EndpointOf(address());
    } else if (op < 95) {
      long[] values = {Long.MIN_VALUE, -1, 0, 1, 2, Long.MAX_VALUE};
      return new GenerationOf(values[choices.pick(values.length)]);
    } else if (op < 97) {
      int g = choices.pick(4);
      return new HandleOf(name(), endpoint(), g == 0 ? null : new Generation(g));
    } else if (op < 98) {
      return new Environment();
    } else {
      // Rare, since everything after it is IllegalStateException; one sequence in three has one.
      return choices.pick(8) == 0 ? new Close() : new Services();
    }
  }
}
