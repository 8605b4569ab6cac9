package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;

/** A record's bytes read back, and bytes that are not a record said to be unreadable, and why. */
class RecCodecTest {

  private static final long ZXID = 0x500000007L;

  private static Stat stat() {
    Stat stat = new Stat();
    stat.setVersion(3);
    stat.setMzxid(ZXID);
    return stat;
  }

  private static byte[] encoded(Rec.Draft draft, long epochBase) {
    return RecCodec.encode(draft, 42, 1, epochBase, 0x500000000L);
  }

  private static String why(byte @Nullable [] bytes) {
    return assertThrows(RecCodec.Unreadable.class, () -> RecCodec.parse("svc", stat(), bytes))
        .why();
  }

  @Test
  void aRecordReadsBack() throws Exception {
    byte[] bytes = encoded(Rec.registration(9, 1000, "tcp://a:1"), 100);
    Rec rec = RecCodec.parse("svc", stat(), bytes);
    assertEquals(
        new ServiceHandle("svc", Endpoint.of("tcp://a:1"), new Generation(107)), rec.handle());
    assertEquals(3, rec.version());
    assertEquals(9, rec.owner());
  }

  @Test
  void bytesThatAreNotARecordSayWhy() {
    byte[] good = encoded(Rec.registration(9, 1000, "tcp://a:1"), 100);
    assertEquals("it is empty", why(null));
    assertEquals("it is empty", why(new byte[0]));
    assertEquals(
        "unknown format byte 7 (written by a newer samgr, or not by samgr)",
        why(new byte[] {7, 1, 2, 3}));
    assertEquals(
        "unknown format byte -1 (written by a newer samgr, or not by samgr)", why(new byte[] {-1}));
    byte[] state = good.clone();
    state[1] = 9;
    assertEquals("unknown state byte 9", why(state));
    assertEquals(
        "truncated: a record of format 2 cut off after " + (good.length - 1) + " bytes",
        why(Arrays.copyOf(good, good.length - 1)));
    assertEquals("truncated: a record of format 2 cut off after 1 byte", why(new byte[] {2}));
    assertEquals(
        "2 bytes follow the end of a record of format 2",
        why(Arrays.copyOf(good, good.length + 2)));
    byte[] utf = good.clone();
    utf[1 + 1 + 10 * 8 + 2] = (byte) 0xff; // the endpoint's first byte, after its length
    assertEquals("its endpoint is not in modified UTF-8", why(utf));
    assertEquals("its endpoint is empty", why(encoded(Rec.registration(9, 1000, ""), 100)));
    assertEquals(
        "its epoch base is negative", why(encoded(Rec.registration(9, 1000, "tcp://a:1"), -1)));
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).putLong(2, -5); // the generation, after the format and state bytes
    assertEquals(
        "a field is out of range: generation must be at least 1, but is -5", why(negative));
  }

  @Test
  void aRecordThisClientEncodedThatCannotBeReadBackIsABug() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> RecCodec.stored("svc", stat(), new byte[] {7}));
    assertEquals("a record this client encoded cannot be read back", e.getMessage());
    assertEquals(
        "unknown format byte 7 (written by a newer samgr, or not by samgr)",
        assertInstanceOf(RecCodec.Unreadable.class, e.getCause()).why());
  }
}
