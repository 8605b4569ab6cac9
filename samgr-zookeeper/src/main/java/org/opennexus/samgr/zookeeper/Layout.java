package org.opennexus.samgr.zookeeper;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.Arguments;

/**
 * Where a namespace keeps what: {@code records/<bucket>/<encoded name>}, one node per name, spread
 * over a fixed number of bucket nodes so that no node has more children than one ZooKeeper answer
 * can list; and {@code clients/<session in hex>}, one ephemeral node per client session that has
 * written.
 *
 * <p>A name's bucket is the FNV-1a hash (32 bits) of its node name's bytes (the encoded name, which
 * is ASCII), taken as unsigned, modulo the namespace's bucket count; a bucket node is named by its
 * number in lowercase hexadecimal, padded with zeros to the width of the highest one ({@code
 * 000}-{@code 3ff} for 1,024 buckets). The count is chosen when the namespace is made and written
 * in the data of {@code records} ({@link RecordBuckets}); a client learns it at open ({@link
 * #adopt}).
 */
final class Layout {

  /** The fewest buckets a namespace may have. */
  static final int MIN_BUCKETS = 1;

  /** The most buckets a namespace may have. */
  static final int MAX_BUCKETS = 4_096;

  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private final String root;
  private final String records;
  private final String clients;
  private final String recordsPrefix;
  private final String clientsPrefix;

  /**
   * The namespace's bucket count and the hex digits of a bucket node's name, one value so that a
   * reader never pairs one count with another's width; a count of 0 until this client has learnt
   * it.
   */
  private volatile Shape shape = new Shape(0, 1);

  /** A bucket count and the width of its bucket nodes' names. */
  private record Shape(int count, int width) {}

  /**
   * Where a name's record lies: its bucket's number and node, and its own node, all from one
   * reading of the bucket count.
   */
  record Place(int bucket, String bucketPath, String recordPath) {}

  /** The layout of the namespace whose root path is {@code root}, such as {@code /samgr}. */
  Layout(String root) {
    this.root = root;
    this.records = root + "/records";
    this.clients = root + "/clients";
    this.recordsPrefix = records + "/";
    this.clientsPrefix = clients + "/";
  }

  /** Takes the namespace's bucket count, as read from (or written to) {@code records}. */
  void adopt(int count) {
    if (count < MIN_BUCKETS || count > MAX_BUCKETS) {
      throw new IllegalArgumentException("bucket count out of range: " + count);
    }
    shape = new Shape(count, Math.max(1, (32 - Integer.numberOfLeadingZeros(count - 1) + 3) / 4));
  }

  /** The namespace's bucket count, or 0 if this client has not learnt it yet. */
  int buckets() {
    return shape.count();
  }

  /** The namespace's root path. */
  String root() {
    return root;
  }

  /** The parent of the bucket nodes. */
  String records() {
    return records;
  }

  /** The parent of the client nodes. */
  String clients() {
    return clients;
  }

  /** The bucket node numbered {@code bucket}. */
  String bucket(int bucket) {
    return recordsPrefix + bucketName(bucket, shape.width());
  }

  /** A bucket node's name: its number in lowercase hex, zero-padded. */
  String bucketName(int bucket) {
    return bucketName(bucket, shape.width());
  }

  /** A bucket node's name: its number in lowercase hex, zero-padded to {@code width}. */
  private static String bucketName(int bucket, int width) {
    String hex = Integer.toHexString(bucket);
    int pad = width - hex.length();
    return pad <= 0 ? hex : "0".repeat(pad) + hex;
  }

  /** The number of the bucket that holds {@code name}'s record. */
  int bucketOf(String name) {
    return bucketOfNode(Names.encode(name), known().count());
  }

  /** The record node of a name. */
  String record(String name) {
    return place(name).recordPath();
  }

  /** Where a name's record lies (see {@link Place}). */
  Place place(String name) {
    Shape known = known();
    String node = Names.encode(name);
    int bucket = bucketOfNode(node, known.count());
    String bucketPath = recordsPrefix + bucketName(bucket, known.width());
    return new Place(bucket, bucketPath, bucketPath + "/" + node);
  }

  /** The client node of a session. */
  String client(long session) {
    return clientsPrefix + sessionName(session);
  }

  /**
   * The name whose record is at {@code path}, or {@code null} if it is no record node of this
   * layout (a node in a bucket other than its name's is not).
   */
  @Nullable String nameOf(String path) {
    if (!path.startsWith(recordsPrefix)) {
      return null;
    }
    int slash = path.indexOf('/', recordsPrefix.length());
    if (slash < 0) {
      return null;
    }
    Shape known = shape; // one reading for the bucket's number and the name's bucket
    int bucket = bucketNumber(path.substring(recordsPrefix.length(), slash), known);
    return bucket < 0 ? null : recordName(bucket, path.substring(slash + 1), known.count());
  }

  /** The name a node in bucket {@code bucket} holds, or {@code null} if it is none of ours. */
  @Nullable String recordName(int bucket, String node) {
    return recordName(bucket, node, shape.count());
  }

  private static @Nullable String recordName(int bucket, String node, int count) {
    String name = Names.decode(node);
    return name != null
            && Arguments.isValidName(name)
            && count > 0
            && bucketOfNode(node, count) == bucket
        ? name
        : null;
  }

  /** The number of the bucket that {@code path} lies in (the bucket or a record), or -1. */
  int bucketUnder(String path) {
    if (!path.startsWith(recordsPrefix)) {
      return -1;
    }
    int slash = path.indexOf('/', recordsPrefix.length());
    return bucketNumber(path.substring(recordsPrefix.length(), slash < 0 ? path.length() : slash));
  }

  /** A bucket node's number, or -1 if {@code node} is not the name of one of this layout's. */
  int bucketNumber(String node) {
    return bucketNumber(node, shape);
  }

  private static int bucketNumber(String node, Shape known) {
    int count = known.count();
    if (count == 0 || node.length() != known.width()) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < node.length(); i++) {
      char c = node.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) {
        return -1;
      }
      n = n * 16 + digit;
    }
    return n < count ? n : -1;
  }

  /** The session whose client node is at {@code path}, or 0 if it is no client node. */
  long sessionAt(String path) {
    return path.startsWith(clientsPrefix) ? sessionOf(path.substring(clientsPrefix.length())) : 0;
  }

  /** Whether {@code path} lies under the bucket nodes' parent. */
  boolean isUnderRecords(String path) {
    return path.startsWith(recordsPrefix);
  }

  private Shape known() {
    Shape known = shape;
    if (known.count() == 0) {
      throw new IllegalStateException("the namespace's bucket count is not known yet");
    }
    return known;
  }

  /** The bucket of a record node's name among {@code count} buckets. */
  static int bucketOfNode(String node, int count) {
    int hash = FNV_OFFSET;
    for (int i = 0; i < node.length(); i++) {
      hash ^= node.charAt(i) & 0xFF; // an encoded name is ASCII: one byte a character
      hash *= FNV_PRIME;
    }
    return Integer.remainderUnsigned(hash, count);
  }

  /** The session a client node is named for, or 0 if it is not one of this backend's. */
  static long sessionOf(String node) {
    try {
      return Long.parseUnsignedLong(node, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A session's name as a node: 16 hex digits. */
  static String sessionName(long session) {
    return String.format("%016x", session);
  }
}
