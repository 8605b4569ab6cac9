package org.opennexus.samgr.verification;

import java.util.SplittableRandom;

/**
 * Where the choices that build an operation sequence come from: a seeded {@link SplittableRandom}
 * for the model-based tests, or the fuzzer's bytes for Jazzer.
 */
interface Choices {

  /** A number from 0 (inclusive) to {@code bound} (exclusive); {@code bound} is positive. */
  int pick(int bound);

  /** An arbitrary string of at most {@code maxLength} UTF-16 units. */
  String text(int maxLength);

  /** Whether more choices are worth asking for (a fuzzer input runs out; a random one doesn't). */
  boolean hasMore();

  /** Choices from a seeded random source. */
  static Choices random(SplittableRandom random) {
    return new Choices() {
      @Override
      public int pick(int bound) {
        return random.nextInt(bound);
      }

      @Override
      public String text(int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
          // Mostly printable ASCII, sometimes anything in the BMP (controls and lone surrogates).
          s.append(
              random.nextInt(8) == 0
                  ? (char) random.nextInt(0x10000)
                  : (char) (0x20 + random.nextInt(0x5F)));
        }
        return s.toString();
      }

      @Override
      public boolean hasMore() {
        return true;
      }
    };
  }
}
