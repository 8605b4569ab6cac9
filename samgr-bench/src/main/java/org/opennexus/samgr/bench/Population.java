package org.opennexus.samgr.bench;

import java.util.SplittableRandom;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;

/** Names, endpoints and lookup keys shared by the benchmarks; all seeded, so every run is alike. */
final class Population {

  private static final long SEED = 0x5a3c_0de1_2026L;

  private Population() {}

  /** The name of the {@code i}th registered service. */
  static String name(int i) {
    return "svc-" + i;
  }

  /** The endpoint of the {@code i}th registered service. */
  static Endpoint endpoint(int i) {
    return Endpoint.of(
        "tcp://10." + ((i >>> 16) & 255) + "." + ((i >>> 8) & 255) + "." + (i & 255) + ":7000");
  }

  /** Registers services {@code 0} to {@code size - 1}. */
  static void fill(Registry registry, int size) throws SamgrError {
    for (int i = 0; i < size; i++) {
      registry.register(name(i), endpoint(i));
    }
  }

  /**
   * Returns a power-of-two array of lookup keys drawn at random from the registered names, each a
   * distinct {@code String} (not the instance the registry holds, so every lookup runs {@code
   * equals}, as a caller's own string does). Its length covers the registry: {@code size} rounded
   * up to a power of two, at least 1,024 and at most 2<sup>20</sup>.
   */
  static String[] keys(int size) {
    int length = Math.max(1 << 10, Math.min(1 << 20, Integer.highestOneBit(size - 1) << 1));
    String[] copies = new String[size];
    for (int i = 0; i < size; i++) {
      copies[i] = new String(name(i).toCharArray());
    }
    SplittableRandom random = new SplittableRandom(SEED);
    String[] keys = new String[length];
    for (int i = 0; i < length; i++) {
      keys[i] = copies[random.nextInt(size)];
    }
    return keys;
  }

  /**
   * Returns {@code length} valid names, of the registered names' shape, that are never registered.
   */
  static String[] absent(int length) {
    String[] names = new String[length];
    for (int i = 0; i < length; i++) {
      names[i] = "absent-" + i;
    }
    return names;
  }
}
