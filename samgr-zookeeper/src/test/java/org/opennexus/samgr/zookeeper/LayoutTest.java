package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The record layout that other tools may compute: a record's bucket is FNV-1a (32 bits) of its node
 * name modulo the bucket count, named in zero-padded lowercase hex; nodes anywhere else are not
 * records, and the layout marker reads back exactly.
 */
class LayoutTest {

  @Test
  void aBucketIsTheFnv1aHashOfTheNodeNameModuloTheCount() {
    // FNV-1a 32 reference values: "a" = 0xe40c292c, "foobar" = 0xbf9cf968.
    assertEquals(0xe40c292cL % 1024, Layout.bucketOfNode("a", 1024));
    assertEquals(0xbf9cf968L % 1024, Layout.bucketOfNode("foobar", 1024));
    assertEquals(0xbf9cf968L % 7, Layout.bucketOfNode("foobar", 7));
    assertEquals(0, Layout.bucketOfNode("anything", 1));
  }

  @Test
  void recordPathsNameTheirBucketInPaddedHex() {
    Layout layout = new Layout("/samgr");
    layout.adopt(1024);
    int bucket = (int) (0xbf9cf968L % 1024);
    assertEquals("/samgr/records/168/foobar", layout.record("foobar"));
    assertEquals(bucket, layout.bucketOf("foobar"));
    assertEquals("/samgr/records/000", layout.bucket(0));
    assertEquals("/samgr/records/3ff", layout.bucket(1023));
    Layout small = new Layout("/samgr");
    small.adopt(16);
    assertEquals("/samgr/records/f", small.bucket(15));
    Layout one = new Layout("/samgr");
    one.adopt(1);
    assertEquals("/samgr/records/0/foobar", one.record("foobar"));
    Layout most = new Layout("/samgr");
    most.adopt(Layout.MAX_BUCKETS);
    assertEquals("/samgr/records/fff", most.bucket(Layout.MAX_BUCKETS - 1));
  }

  /**
   * A writer's place (bucket number, bucket node, record node) comes from one reading of the count:
   * after the namespace is adopted again with another count (made anew by someone else), every part
   * of it follows the new count, never a mix of the two.
   */
  @Test
  void aPlaceIsOneReadingOfTheBucketCount() {
    Layout layout = new Layout("/samgr");
    layout.adopt(1024);
    assertEquals(
        new Layout.Place(0x168, "/samgr/records/168", "/samgr/records/168/foobar"),
        layout.place("foobar"));
    layout.adopt(16);
    int bucket = (int) (0xbf9cf968L % 16);
    assertEquals(
        new Layout.Place(bucket, "/samgr/records/8", "/samgr/records/8/foobar"),
        layout.place("foobar"));
    assertEquals(8, bucket);
    assertEquals(layout.record("foobar"), layout.place("foobar").recordPath());
    assertEquals(layout.bucketOf("foobar"), layout.place("foobar").bucket());
    assertThrows(IllegalStateException.class, () -> new Layout("/samgr").place("foobar"));
  }

  @Test
  void onlyANodeInItsOwnBucketIsARecord() {
    Layout layout = new Layout("/samgr");
    layout.adopt(1024);
    assertEquals("foobar", layout.nameOf("/samgr/records/168/foobar"));
    assertNull(layout.nameOf("/samgr/records/167/foobar")); // planted in another bucket
    assertNull(layout.nameOf("/samgr/records/0168/foobar")); // not a bucket's name
    assertNull(layout.nameOf("/samgr/records/168")); // the bucket itself
    assertNull(layout.nameOf("/samgr/records/foobar")); // the layout before buckets
    assertNull(layout.nameOf("/samgr/records/168/foobar/x"));
    assertEquals(0x168, layout.bucketUnder("/samgr/records/168"));
    assertEquals(-1, layout.bucketUnder("/samgr/records/400")); // beyond the count
    assertEquals(-1, layout.bucketUnder("/samgr/records/16A"));
    assertEquals(0x168, layout.bucketUnder("/samgr/records/168/foobar"));
  }

  @Test
  void theLayoutIsUnknownUntilAdopted() {
    Layout layout = new Layout("/samgr");
    assertEquals(0, layout.buckets());
    assertThrows(IllegalStateException.class, () -> layout.record("a"));
    assertNull(layout.nameOf("/samgr/records/0/a"));
    assertThrows(IllegalArgumentException.class, () -> layout.adopt(0));
    assertThrows(IllegalArgumentException.class, () -> layout.adopt(Layout.MAX_BUCKETS + 1));
  }

  @Test
  void theMarkerReadsBackAndRefusesOtherLayouts() throws Exception {
    assertEquals(
        "layout=2 buckets=1024", new String(RecordBuckets.marker(1024), StandardCharsets.US_ASCII));
    assertEquals(1024, RecordBuckets.parse("/s/records", RecordBuckets.marker(1024)));
    assertEquals(
        -1, RecordBuckets.parse("/s/records", "127.0.1.1".getBytes(StandardCharsets.UTF_8)));
    assertEquals(-1, RecordBuckets.parse("/s/records", new byte[0]));
    RecordBuckets.Refused newer =
        assertThrows(
            RecordBuckets.Refused.class,
            () -> RecordBuckets.parse("/s/records", bytes("layout=3 buckets=16")));
    assertEquals(
        "node '/s/records' says its records are in layout 3, which this version of samgr does not"
            + " read (it reads layout 2): open it with the samgr version that wrote it, or upgrade"
            + " this one",
        newer.why());
    RecordBuckets.Refused zero =
        assertThrows(
            RecordBuckets.Refused.class,
            () -> RecordBuckets.parse("/s/records", bytes("layout=2 buckets=0")));
    assertEquals("node '/s/records' gives 0 buckets, outside 1 to 4096", zero.why());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
