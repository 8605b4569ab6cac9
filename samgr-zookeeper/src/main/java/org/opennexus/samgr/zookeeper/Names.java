package org.opennexus.samgr.zookeeper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Service names as ZooKeeper node names: letters, digits, {@code .}, {@code -} and {@code _} stay
 * as they are, every other UTF-8 byte becomes {@code %XX}; a name made only of dots (which
 * ZooKeeper reserves) is encoded whole. The mapping is one to one, so decoding restores the name.
 */
final class Names {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Names() {}

  static String encode(String name) {
    boolean onlyDots = name.chars().allMatch(c -> c == '.');
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (!onlyDots && plain(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** Decodes a node name, or returns {@code null} if it is not one that {@link #encode} makes. */
  static @Nullable String decode(String node) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(node.length());
    for (int i = 0; i < node.length(); i++) {
      char c = node.charAt(i);
      if (c == '%'
          && i + 2 < node.length()
          && hex(node.charAt(i + 1)) >= 0
          && hex(node.charAt(i + 2)) >= 0) {
        bytes.write(hex(node.charAt(i + 1)) << 4 | hex(node.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80 && plain(c)) {
        bytes.write(c);
      } else {
        return null;
      }
    }
    String name = bytes.toString(StandardCharsets.UTF_8);
    return encode(name).equals(node) ? name : null;
  }

  private static boolean plain(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_';
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
