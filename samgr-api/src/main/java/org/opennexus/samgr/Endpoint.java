package org.opennexus.samgr;

import java.io.Serializable;
import org.opennexus.samgr.spi.Arguments;

/**
 * Where a service can be reached: an opaque address such as {@code "tcp://127.0.0.1:7000"} or
 * {@code "vmo:42"}. samgr stores and returns it; it never parses or connects to it.
 *
 * @param address 1 to {@value Arguments#MAX_ADDRESS_LENGTH} UTF-16 code units, with no ISO control
 *     characters, no invisible or bidirectional-control characters (Unicode format characters,
 *     category Cf, such as U+200B or U+202E, and U+2028 and U+2029), no default-ignorable
 *     characters (such as U+FE0F or U+3164), no U+2800 BRAILLE PATTERN BLANK and no unpaired
 *     surrogates, not starting with a combining mark
 */
public record Endpoint(String address) implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an endpoint.
   *
   * @param address the address
   * @throws NullPointerException if {@code address} is {@code null}
   * @throws IllegalArgumentException if {@code address} breaks a rule of {@link Arguments}
   */
  public Endpoint {
    Arguments.requireAddress(address);
  }

  /**
   * Returns an endpoint for {@code address}.
   *
   * @param address the address, as the record component requires
   * @return the endpoint
   * @throws NullPointerException if {@code address} is {@code null}
   * @throws IllegalArgumentException if {@code address} breaks a rule of {@link Arguments}
   */
  public static Endpoint of(String address) {
    return new Endpoint(address);
  }
}
