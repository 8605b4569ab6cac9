package org.opennexus.samgr.verification;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The operation vocabulary: one record per call, carrying its concrete arguments (possibly {@code
 * null} or invalid), so a sequence can be replayed, printed and shrunk. Each operation runs against
 * the {@link RegistryModel} and against a real registry, giving two {@link Outcome}s that must be
 * equal.
 */
sealed interface Op {

  /** What a successful {@code watch} is reduced to: subscriptions have no value equality. */
  String SUBSCRIBED = "subscribed";

  Outcome onModel(RegistryModel model);

  Outcome onRegistry(ServiceManager registry, ManualClock clock);

  record Register(@Nullable String name, @Nullable Endpoint endpoint) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.register(name, endpoint);
    }

    @Override
    @SuppressWarnings("NullAway") // passing null on purpose
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.register(name, endpoint));
    }
  }

  record Resolve(@Nullable String name) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.resolve(name);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.resolve(name));
    }
  }

  record Find(@Nullable String name) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.find(name);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.find(name));
    }
  }

  record Heartbeat(@Nullable ServiceHandle handle) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.heartbeat(handle);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.ofVoid(() -> registry.heartbeat(handle));
    }
  }

  record RestartName(@Nullable String name, @Nullable Endpoint endpoint) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.restart(name, endpoint);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.restart(name, endpoint));
    }
  }

  record RestartHandle(@Nullable ServiceHandle current, @Nullable Endpoint endpoint) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.restart(current, endpoint);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.restart(current, endpoint));
    }
  }

  record Unregister(@Nullable ServiceHandle handle) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.unregister(handle);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.ofVoid(() -> registry.unregister(handle));
    }
  }

  record Services() implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.services();
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(registry::services);
    }
  }

  record LivenessOf(@Nullable String name) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.liveness(name);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.liveness(name));
    }
  }

  record SweepExpired() implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.sweepExpired();
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(registry::sweepExpired);
    }
  }

  /** {@code await} with a timeout that never waits (zero), a negative one, or {@code null}. */
  record Await(@Nullable String name, @Nullable Duration timeout) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.await(name, timeout);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> registry.await(name, timeout));
    }
  }

  record Watch(@Nullable String name, boolean nullListener) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.watch(name, nullListener);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(
          () -> {
            registry.watch(name, nullListener ? null : event -> {}).close();
            return SUBSCRIBED;
          });
    }
  }

  /** Moves both clocks by {@code millis}, which may be negative (a clock that steps back). */
  record MoveClock(long millis) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      model.setNow(model.now() + millis);
      return new Outcome.Value(null);
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      clock.set(Instant.ofEpochMilli(clock.millis() + millis));
      return new Outcome.Value(null);
    }
  }

  record Close() implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.close();
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.ofVoid(registry::close);
    }
  }

  record Environment() implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return model.environment();
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(registry::environment);
    }
  }

  record EndpointOf(@Nullable String address) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return RegistryModel.endpoint(address);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> Endpoint.of(address));
    }
  }

  record GenerationOf(long value) implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return RegistryModel.generation(value);
    }

    @Override
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> new Generation(value));
    }
  }

  record HandleOf(
      @Nullable String name, @Nullable Endpoint endpoint, @Nullable Generation generation)
      implements Op {
    @Override
    public Outcome onModel(RegistryModel model) {
      return RegistryModel.handle(name, endpoint, generation);
    }

    @Override
    @SuppressWarnings("NullAway")
    public Outcome onRegistry(ServiceManager registry, ManualClock clock) {
      return Outcome.of(() -> new ServiceHandle(name, endpoint, generation));
    }
  }

  /** A one-line, bounded description of an operation: long strings are abbreviated. */
  static String describe(Op op) {
    StringJoiner args = new StringJoiner(", ", op.getClass().getSimpleName() + "(", ")");
    for (RecordComponent component : op.getClass().getRecordComponents()) {
      try {
        args.add(show(component.getAccessor().invoke(op)));
      } catch (ReflectiveOperationException e) {
        args.add("?");
      }
    }
    return args.toString();
  }

  /** A short, unambiguous rendering of an argument: strings quoted with escapes, long ones cut. */
  static String show(@Nullable Object value) {
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      int shown = Math.min(s.length(), 24);
      for (int i = 0; i < shown; i++) {
        char c = s.charAt(i);
        out.append(
            c >= 0x20 && c < 0x7F && c != '"' && c != '\\'
                ? String.valueOf(c)
                : String.format("\\u%04X", (int) c));
      }
      out.append('"');
      if (s.length() > shown) {
        out.append("+")
            .append(s.length() - shown)
            .append(" more (length ")
            .append(s.length())
            .append(")");
      }
      return out.toString();
    }
    if (value instanceof ServiceHandle h) {
      return "ServiceHandle("
          + show(h.name())
          + ", "
          + show(h.endpoint())
          + ", "
          + h.generation().value()
          + ")";
    }
    if (value instanceof Endpoint e) {
      return "Endpoint.of(" + show(e.address()) + ")";
    }
    return String.valueOf(value);
  }
}
