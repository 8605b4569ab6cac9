package org.opennexus.samgr.verification;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/**
 * Translates generations between the {@link RegistryModel} (1, 2, 3, ... in issue order) and a
 * backend whose generations are opaque increasing numbers (the {@code zookeeper} backend's are
 * ZooKeeper transaction ids). The pair is learned when both issue a handle in the same operation
 * ({@code register}, {@code restart}); from then on a handle argument is sent with the backend's
 * number, and every generation in the backend's outcomes and events is read back as the model's. A
 * generation the model never issued (a forged handle's) is sent as a number far above any
 * transaction id; a backend generation never learned is read back as a number far above any the
 * model issues, so it can only compare unequal.
 */
final class Generations {

  /** Forged model generation {@code g} is sent as {@code UNISSUED + g}. */
  static final long UNISSUED = 1L << 62;

  /** Unlearned backend generation {@code r} reads back as {@code UNLEARNED + r}. */
  static final long UNLEARNED = 1L << 61;

  private final Map<Long, Long> toBackend = new HashMap<>();
  private final Map<Long, Long> toModel = new HashMap<>();

  /** The highest backend generation issued so far; each new one must be higher (DESIGN). */
  private long highest;

  private boolean outOfOrder;

  /** The operation with its handle arguments in the backend's generations. */
  Op toBackend(Op op) {
    if (op instanceof Op.Heartbeat h) {
      return new Op.Heartbeat(backend(h.handle()));
    }
    if (op instanceof Op.RestartHandle r) {
      return new Op.RestartHandle(backend(r.current()), r.endpoint());
    }
    if (op instanceof Op.Unregister u) {
      return new Op.Unregister(backend(u.handle()));
    }
    return op;
  }

  /**
   * Learns the pair when the model and the backend both issued a handle: {@code op} registered or
   * restarted (other operations only return handles already issued, or make them from values).
   */
  void learn(Op op, Outcome model, Outcome backend) {
    boolean issues =
        op instanceof Op.Register || op instanceof Op.RestartName || op instanceof Op.RestartHandle;
    if (issues
        && model instanceof Outcome.Value m
        && m.value() instanceof ServiceHandle issued
        && backend instanceof Outcome.Value b
        && b.value() instanceof ServiceHandle got) {
      long mine = issued.generation().value();
      long theirs = got.generation().value();
      if (!toModel.containsKey(theirs) && !toBackend.containsKey(mine)) {
        toModel.put(theirs, mine);
        toBackend.put(mine, theirs);
        if (theirs <= highest) {
          outOfOrder = true;
        }
        highest = theirs;
      }
    }
  }

  /**
   * Whether the backend ever issued a generation not higher than one it issued before (the model's
   * grow by one each time, so the mapping alone would hide that).
   */
  boolean outOfOrder() {
    return outOfOrder;
  }

  /** A backend outcome with its generations read back as the model's. */
  Outcome toModel(Outcome outcome) {
    if (outcome instanceof Outcome.Value v) {
      return new Outcome.Value(value(v.value()));
    }
    if (outcome instanceof Outcome.Stale s) {
      return new Outcome.Stale(handle(s.handle()), generation(s.current()));
    }
    return outcome;
  }

  /** Backend events with their generations read back as the model's. */
  List<ServiceEvent> toModel(List<ServiceEvent> events) {
    return events.stream().map(this::event).toList();
  }

  private @Nullable Object value(@Nullable Object value) {
    if (value instanceof ServiceHandle h) {
      return handle(h);
    }
    if (value instanceof Optional<?> o) {
      return o.map(this::value);
    }
    if (value instanceof Liveness l) {
      return new Liveness(handle(l.handle()), l.lastHeartbeat(), l.alive());
    }
    if (value instanceof List<?> list) {
      return list.stream().map(this::value).toList();
    }
    return value;
  }

  private ServiceEvent event(ServiceEvent event) {
    ServiceHandle h = handle(event.handle());
    if (event instanceof ServiceEvent.Registered) {
      return new ServiceEvent.Registered(h);
    }
    if (event instanceof ServiceEvent.Restarted) {
      return new ServiceEvent.Restarted(h);
    }
    if (event instanceof ServiceEvent.Unregistered) {
      return new ServiceEvent.Unregistered(h);
    }
    return new ServiceEvent.Expired(h);
  }

  private ServiceHandle handle(ServiceHandle h) {
    return new ServiceHandle(h.name(), h.endpoint(), generation(h.generation()));
  }

  private Generation generation(Generation backend) {
    long r = backend.value();
    Long mine = toModel.get(r);
    if (mine != null) {
      return new Generation(mine);
    }
    return new Generation(r >= UNISSUED ? r - UNISSUED : UNLEARNED + r);
  }

  private @Nullable ServiceHandle backend(@Nullable ServiceHandle h) {
    if (h == null) {
      return null;
    }
    long g = h.generation().value();
    Long theirs = toBackend.get(g);
    return new ServiceHandle(
        h.name(), h.endpoint(), new Generation(theirs != null ? theirs : UNISSUED + g));
  }
}
