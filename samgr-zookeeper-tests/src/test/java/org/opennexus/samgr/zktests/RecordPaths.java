package org.opennexus.samgr.zktests;

import java.nio.charset.StandardCharsets;

/**
 * Where the {@code zookeeper} backend keeps a name's record, computed here from the documented
 * layout and not from the backend's own code (its {@code Layout} is package-private, and a test
 * that used it would follow it wherever it moved): {@code /<namespace>/records/<bucket>/<node
 * name>}. The node name is the service name encoded (letters, digits, {@code .}, {@code -} and
 * {@code _} as they are, every other UTF-8 byte as {@code %XX} in uppercase hex; a name made only
 * of dots encoded whole); the bucket is the FNV-1a hash (32 bits) of the node name's ASCII bytes,
 * taken as unsigned, modulo the namespace's bucket count, written in lowercase hex padded with
 * zeros to the width of the highest bucket ({@code 000}-{@code 3ff} for 1,024 buckets).
 */
final class RecordPaths {

  /** The bucket count of a namespace made without {@code zookeeper.buckets}. */
  static final int DEFAULT_BUCKETS = 1024;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RecordPaths() {}

  /** The record node of {@code name} in a namespace of {@link #DEFAULT_BUCKETS} buckets. */
  static String record(String namespace, String name) {
    return record(namespace, name, DEFAULT_BUCKETS);
  }

  /** The record node of {@code name} in a namespace of {@code buckets} buckets. */
  static String record(String namespace, String name, int buckets) {
    String node = encode(name);
    return bucket(namespace, bucketOf(node, buckets), buckets) + "/" + node;
  }

  /** The bucket node numbered {@code bucket} of a namespace of {@code buckets} buckets. */
  static String bucket(String namespace, int bucket, int buckets) {
    return "/" + namespace + "/records/" + bucketName(bucket, buckets);
  }

  /** The bucket node that holds {@code name}'s record, among {@code buckets}. */
  static String bucketOfName(String namespace, String name, int buckets) {
    return bucket(namespace, bucketOf(encode(name), buckets), buckets);
  }

  /** The number of the bucket of a record whose node name is {@code node}. */
  static int bucketOf(String node, int buckets) {
    long hash = 0x811c9dc5L;
    for (byte b : node.getBytes(StandardCharsets.US_ASCII)) {
      hash ^= b & 0xFF;
      hash = (hash * 0x01000193L) & 0xFFFF_FFFFL;
    }
    return (int) (hash % buckets);
  }

  /** A bucket's node name: lowercase hex, as wide as that of the highest bucket. */
  static String bucketName(int bucket, int buckets) {
    int width = Integer.toHexString(buckets - 1).length();
    StringBuilder name = new StringBuilder(Integer.toHexString(bucket));
    while (name.length() < width) {
      name.insert(0, '0');
    }
    return name.toString();
  }

  /** A service name as a node name. */
  static String encode(String name) {
    boolean onlyDots = !name.isEmpty() && name.chars().allMatch(c -> c == '.');
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      if (plain && !onlyDots) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }
}
