package org.opennexus.samgr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.SamgrBackend;

/**
 * Chooses a backend. The decision is a pure function of the request and the candidates, so it is
 * tested with fake providers; the one {@link ServiceLoader} call is in {@link #discover}.
 */
final class Selection {

  /** The system property that selects a backend by environment name. */
  static final String PROPERTY = "nexus.env";

  /** The environment variable that selects a backend when {@link #PROPERTY} is not set. */
  static final String VARIABLE = "NEXUS_ENV";

  /** The most characters of a requested environment name that a message repeats. */
  static final int MAX_QUOTED = 64;

  /** Gives up on a provider iterator that keeps failing rather than loop forever. */
  private static final int MAX_FAILURES = 64;

  private Selection() {}

  /** A usable backend, with its environment name read once. */
  record Found(SamgrBackend backend, String environment) {
    String describe() {
      return "'" + environment + "' (" + backend.getClass().getName() + ")";
    }
  }

  /** A provider that could not be loaded, constructed or asked its environment. */
  record Broken(String provider, Throwable cause) {
    String describe() {
      return provider + " (" + cause + ")";
    }
  }

  /** What {@link ServiceLoader} found. */
  record Candidates(List<Found> found, List<Broken> broken) {
    Candidates {
      found = List.copyOf(found);
      broken = List.copyOf(broken);
    }
  }

  /** An explicit choice of environment, and where it came from (for messages). */
  record Request(String environment, String source) {}

  /**
   * Returns the request in force: the explicit environment if given, else the system property, else
   * the environment variable, else {@code null}. Empty values count as not set, as a shell's {@code
   * NEXUS_ENV=} usually means "unset".
   */
  static @Nullable Request request(
      @Nullable String explicit, @Nullable String property, @Nullable String variable) {
    if (explicit != null) {
      return new Request(explicit, "Samgr.open(environment) or Builder.environment");
    }
    if (property != null && !property.isEmpty()) {
      return new Request(property, "the system property " + PROPERTY);
    }
    if (variable != null && !variable.isEmpty()) {
      return new Request(variable, "the environment variable " + VARIABLE);
    }
    return null;
  }

  /**
   * Chooses a backend by the rules documented on {@link Samgr}.
   *
   * @throws IllegalStateException if no single backend is chosen, with a message that says what to
   *     do
   */
  static Found choose(@Nullable Request request, Candidates candidates) {
    List<Found> found = candidates.found();
    if (request != null) {
      List<Found> matches =
          found.stream().filter(f -> f.environment().equals(request.environment())).toList();
      if (matches.size() == 1) {
        return matches.get(0);
      }
      if (matches.isEmpty()) {
        throw new IllegalStateException(
            "No samgr backend has the environment "
                + quote(request.environment())
                + " requested by "
                + request.source()
                + ". "
                + present(candidates)
                + brokenSuffix(candidates));
      }
      throw new IllegalStateException(
          "Several samgr backends claim the environment "
              + quote(request.environment())
              + ": "
              + describe(matches)
              + ". Keep only one of them on the module path or class path."
              + brokenSuffix(candidates));
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new IllegalStateException(
          "No samgr backend is on the module path or class path. Add the module"
              + " org.opennexus.samgr.host (artifact org.opennexus.samgr:samgr-host, the"
              + " in-memory registry for tests and harnesses) or org.opennexus.samgr.os"
              + " (artifact org.opennexus.samgr:samgr-os-stub, for OS builds)."
              + brokenSuffix(candidates));
    }
    throw new IllegalStateException(
        "Several samgr backends are present: "
            + describe(found)
            + ". Choose one with -D"
            + PROPERTY
            + "=<environment> (or the environment variable "
            + VARIABLE
            + "), or with Samgr.open(\"<environment>\")."
            + brokenSuffix(candidates));
  }

  /** The sorted, distinct environment names of the usable backends. */
  static List<String> environments(Candidates candidates) {
    SortedSet<String> names = new TreeSet<>();
    for (Found f : candidates.found()) {
      names.add(f.environment());
    }
    return List.copyOf(names);
  }

  /**
   * Finds the providers visible to {@code loader}. A provider that fails to load, to construct, or
   * to name a valid environment is kept as {@link Broken} and does not hide the others.
   */
  static Candidates discover(ClassLoader loader) {
    List<Found> found = new ArrayList<>();
    List<Broken> broken = new ArrayList<>();
    Iterator<ServiceLoader.Provider<SamgrBackend>> providers =
        ServiceLoader.load(SamgrBackend.class, loader).stream().iterator();
    int failures = 0;
    while (true) {
      ServiceLoader.Provider<SamgrBackend> provider;
      try {
        if (!providers.hasNext()) {
          break;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError e) {
        broken.add(new Broken("a provider of " + SamgrBackend.class.getName(), e));
        if (++failures >= MAX_FAILURES) {
          break;
        }
        continue;
      }
      String name = provider.type().getName();
      try {
        found.add(inspect(provider.get(), name));
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        broken.add(new Broken(name, e));
      }
    }
    return new Candidates(found, broken);
  }

  /** Reads and checks a provider's environment name. */
  static Found inspect(SamgrBackend backend, String provider) {
    String environment = backend.environment();
    if (environment == null || environment.isEmpty()) {
      throw new IllegalStateException(
          "samgr backend "
              + provider
              + " returned "
              + (environment == null ? "null" : "an empty")
              + " environment name");
    }
    return new Found(backend, environment);
  }

  /**
   * Quotes a requested environment name for a message, cut short if it is long: it may come from a
   * property or variable of any length, and messages must stay readable.
   */
  static String quote(String environment) {
    if (environment.length() <= MAX_QUOTED) {
      return "'" + environment + "'";
    }
    return "'"
        + environment.substring(0, MAX_QUOTED)
        + "...' ("
        + environment.length()
        + " characters)";
  }

  private static String present(Candidates candidates) {
    if (candidates.found().isEmpty()) {
      return "No samgr backend is present: add org.opennexus.samgr.host (samgr-host) or"
          + " org.opennexus.samgr.os (samgr-os-stub) to the module path or class path.";
    }
    return "Backends present: " + describe(candidates.found()) + ".";
  }

  private static String describe(List<Found> found) {
    return found.stream().map(Found::describe).sorted().collect(Collectors.joining(", "));
  }

  private static String brokenSuffix(Candidates candidates) {
    if (candidates.broken().isEmpty()) {
      return "";
    }
    return " Providers that failed to load: "
        + candidates.broken().stream().map(Broken::describe).collect(Collectors.joining(", "))
        + ".";
  }
}
