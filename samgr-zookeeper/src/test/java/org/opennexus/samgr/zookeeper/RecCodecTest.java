package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;

/**
 * A record's bytes read back, with the service's own liveness timeout (format 3); records of
 * formats 1 and 2, written before, stay readable and are judged by the reading client's own
 * timeout; bytes that are not a record are said to be unreadable, and why.
 */
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
    byte[] bytes = encoded(Rec.registration(9, 1000, "tcp://a:1", 3_000), 100);
    Rec rec = RecCodec.parse("svc", stat(), bytes);
    assertEquals(
        new ServiceHandle("svc", Endpoint.of("tcp://a:1"), new Generation(107)), rec.handle());
    assertEquals(3, rec.version());
    assertEquals(9, rec.owner());
  }

  /**
   * An endpoint is kept as its Latin-1 bytes or, with other characters, as its string; either way
   * the handle built from it is the one written.
   */
  @Test
  void endpointsOfAnyCharactersReadBack() throws Exception {
    for (String address : List.of("tcp://a:1", "tcp://caf\u00e9:1", "tcp://\u670d\u52a1:1")) {
      Rec rec = RecCodec.parse("svc", stat(), encoded(Rec.registration(9, 1000, address, 0), 100));
      assertEquals(address, rec.endpoint());
      assertEquals(
          new ServiceHandle("svc", Endpoint.of(address), new Generation(107)), rec.handle());
      assertEquals(address, rec.handleKept().endpoint().address());
      assertEquals(address, rec.endpoint()); // read from the kept handle now
      assertEquals(address, rec.restarted(9, 2000, rec.endpoint(), 0).endpoint());
    }
  }

  /**
   * {@code resolve}'s handle is built once per version and kept; other callers' are not kept; a
   * newer version of the same generation and endpoint takes the kept one over, others do not.
   */
  @Test
  void aKeptHandleIsBuiltOnceAndInheritedByTheSameGeneration() throws Exception {
    Rec rec =
        RecCodec.parse("svc", stat(), encoded(Rec.registration(9, 1000, "tcp://a:1", 0), 100));
    assertNotSame(rec.handle(), rec.handle());
    ServiceHandle kept = rec.handleKept();
    assertSame(kept, rec.handleKept());
    assertSame(kept, rec.handle());

    Stat later = stat();
    later.setVersion(4);
    later.setMzxid(ZXID + 5);
    Rec beaten = RecCodec.parse("svc", later, encoded(rec.beaten(9, 2000, Rec.NEVER), 100));
    Rec restarted =
        RecCodec.parse("svc", later, encoded(rec.restarted(9, 2000, "tcp://a:1", 0), 100));
    Rec moved = // by hand: the same generation at another endpoint
        new Rec(
            "svc",
            Rec.compact("tcp://b:2"),
            107,
            4,
            ZXID + 5,
            107,
            2000,
            Rec.NEVER,
            1,
            Rec.Shared.of(true, 9, 42, 100, 0x500000000L, 0));
    Rec again = RecCodec.parse("svc", later, encoded(rec.beaten(9, 2000, Rec.NEVER), 100));
    Rec other = RecCodec.parse("other", later, encoded(rec.beaten(9, 2000, Rec.NEVER), 100));
    beaten.inherit(rec);
    restarted.inherit(rec);
    moved.inherit(rec);
    other.inherit(rec);
    assertSame(kept, beaten.handleKept()); // same generation 107 and endpoint
    assertEquals(112, restarted.gen()); // the restart's own zxid: a generation of its own
    assertNotSame(kept, restarted.handleKept());
    assertEquals("tcp://b:2", moved.handleKept().endpoint().address());
    assertNotSame(kept, other.handleKept());
    assertEquals("other", other.handleKept().name());
    ServiceHandle own = again.handleKept(); // kept before: inherit leaves it
    again.inherit(rec);
    assertSame(own, again.handleKept());
  }

  /**
   * A version's bytes name the write it replaced (writer, write counter, generation), which the
   * view does not keep: a writer whose answer was lost reads it from the bytes.
   */
  @Test
  void theWriteAVersionReplacedIsReadFromItsBytes() throws Exception {
    byte[] first = encoded(Rec.registration(9, 1000, "tcp://a:1", 3_000), 100);
    assertEquals(new RecCodec.Replaced(0, 0, 0), RecCodec.replaced(first));
    Rec base = RecCodec.parse("svc", stat(), first); // writer 42, write 1, generation 107
    byte[] next = RecCodec.encode(base.restarted(9, 2000, "tcp://b:1", 3_000), 77, 5, 100, 0);
    RecCodec.Replaced replaced = RecCodec.replaced(next);
    assertEquals(new RecCodec.Replaced(42, 1, 107), replaced);
    assertTrue(replaced.was(42, 1));
    assertFalse(replaced.was(42, 2));
    assertFalse(replaced.was(77, 1));
  }

  @Test
  void bytesThatAreNotARecordSayWhy() {
    byte[] good = encoded(Rec.registration(9, 1000, "tcp://a:1", 3_000), 100);
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
        "truncated: a record of format 3 cut off after " + (good.length - 1) + " bytes",
        why(Arrays.copyOf(good, good.length - 1)));
    assertEquals("truncated: a record of format 3 cut off after 1 byte", why(new byte[] {3}));
    assertEquals(
        "2 bytes follow the end of a record of format 3",
        why(Arrays.copyOf(good, good.length + 2)));
    byte[] utf = good.clone();
    utf[1 + 1 + 10 * 8 + 2] = (byte) 0xff; // the endpoint's first byte, after its length
    assertEquals("its endpoint is not in modified UTF-8", why(utf));
    assertEquals("its endpoint is empty", why(encoded(Rec.registration(9, 1000, "", 3_000), 100)));
    assertEquals(
        "its epoch base is negative",
        why(encoded(Rec.registration(9, 1000, "tcp://a:1", 3_000), -1)));
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

  private static final long BEAT = 1_000_000;
  private static final long OWNER = 7;

  private static Stat statAt(long mzxid) {
    Stat stat = new Stat();
    stat.setMzxid(mzxid);
    stat.setVersion(0);
    return stat;
  }

  private static byte[] format3(long timeout) {
    return RecCodec.encode(Rec.registration(OWNER, BEAT, "tcp://a:1", timeout), 9, 1, 500, 40);
  }

  @Test
  void theTimeoutIsKeptAndJudgesTheServiceWhoeverReads() throws Exception {
    Rec rec = RecCodec.parse("svc", statAt(42), format3(3_000));
    assertEquals(3_000, rec.timeoutMillis());
    assertEquals(502, rec.gen()); // epochBase + (mzxid - epochStart)
    // The owner (session 7, which wrote it) judges it exactly, by its own heartbeats.
    Heartbeats shorter = new Heartbeats(1_000, () -> OWNER);
    Heartbeats longer = new Heartbeats(60_000, () -> OWNER);
    for (Heartbeats reader : new Heartbeats[] {shorter, longer}) {
      assertTrue(reader.owns(rec));
      assertEquals(3_000, reader.timeout(rec));
      assertEquals(750, reader.flushInterval(rec));
      assertEquals(0, reader.grace(rec));
      assertTrue(reader.alive(rec, BEAT + 3_000, BEAT));
      assertFalse(reader.alive(rec, BEAT + 3_001, BEAT));
      assertFalse(reader.expiredUnannounced(rec, BEAT + 3_000));
      assertTrue(reader.expiredUnannounced(rec, BEAT + 3_001));
      assertEquals(BEAT + 3_000, reader.expiresAfter(rec, BEAT));
    }
    // Any other client (another session, or none yet) sees only the written heartbeat, which may
    // be a flush interval (750 ms) older than the owner's newest: it waits that much longer.
    for (long session : new long[] {0, 8}) {
      Heartbeats other = new Heartbeats(1_000, () -> session);
      assertFalse(other.owns(rec));
      assertEquals(750, other.grace(rec));
      assertTrue(other.alive(rec, BEAT + 3_750, BEAT));
      assertFalse(other.alive(rec, BEAT + 3_751, BEAT));
      assertFalse(other.expiredUnannounced(rec, BEAT + 3_750));
      assertTrue(other.expiredUnannounced(rec, BEAT + 3_751));
      assertEquals(BEAT + 3_750, other.expiresAfter(rec, BEAT));
    }
    // Every later version of the incarnation keeps it.
    assertEquals(3_000, rec.beaten(7, BEAT + 1, Rec.NEVER).timeoutMillis());
    assertEquals(3_000, rec.expired(BEAT).timeoutMillis());
    assertEquals(3_000, rec.unregistered().timeoutMillis());
    assertEquals(3_000, rec.voided().timeoutMillis());
  }

  @Test
  void recordsOfFormatsOneAndTwoAreJudgedByTheReadersOwnTimeout() throws Exception {
    byte[] three = format3(3_000);
    byte[] two = Arrays.copyOf(three, three.length - 8); // without the timeout
    two[0] = 2;
    byte[] one = Arrays.copyOf(three, three.length - 24); // without the epoch and the timeout
    one[0] = 1;
    Rec fromTwo = RecCodec.parse("svc", statAt(42), two);
    Rec fromOne = RecCodec.parse("svc", statAt(42), one);
    assertEquals(Rec.UNKNOWN_TIMEOUT, fromTwo.timeoutMillis());
    assertEquals(Rec.UNKNOWN_TIMEOUT, fromOne.timeoutMillis());
    assertEquals(502, fromTwo.gen());
    assertEquals(42, fromOne.gen()); // before epochs, the generation is the zxid
    assertEquals(1_000, new Heartbeats(1_000, () -> OWNER).timeout(fromTwo));
    assertEquals(60_000, new Heartbeats(60_000, () -> OWNER).timeout(fromTwo));
    assertEquals(1_000, new Heartbeats(1_000, () -> OWNER).timeout(fromOne));
  }

  @Test
  void aFormatThreeRecordWithANegativeTimeoutIsUnreadable() {
    assertEquals("its liveness timeout is negative", why(format3(-1)));
  }

  @Test
  void heartbeatsOutsideEveryClocksRangeAreUnreadable() {
    long max = (1L << 62) - 1;
    assertEquals(
        "its heartbeat " + (max + 2) + " is outside every clock's range",
        why(encoded(Rec.registration(9, max + 2, "tcp://a:1", 3_000), 100)));
    assertEquals(
        "its heartbeat " + Long.MIN_VALUE + " is outside every clock's range",
        why(encoded(Rec.registration(9, Long.MIN_VALUE, "tcp://a:1", 3_000), 100)));
    byte[] marked = encoded(Rec.registration(9, 1000, "tcp://a:1", 3_000), 100);
    ByteBuffer.wrap(marked).putLong(2 + 4 * 8, -(1L << 62) - 1); // expiredBeat, after owner, beat
    assertEquals(
        "its expiry mark " + (-(1L << 62) - 1) + " is outside every clock's range", why(marked));
  }

  @Test
  void aClientThatDoesNotOwnAServiceWithTheLongestTimeoutStillFindsItAlive() throws Exception {
    Rec rec =
        RecCodec.parse(
            "svc", stat(), encoded(Rec.registration(9, 1000, "tcp://a:1", Long.MAX_VALUE), 100));
    Heartbeats other = new Heartbeats(1_000, () -> 8); // session 8 does not own it (9 does)
    long now = (1L << 62) - 1;
    assertTrue(other.alive(rec, now, rec.beat())); // timeout plus grace saturates, no overflow
    assertFalse(other.expiredUnannounced(rec, now, rec.beat()));
    assertEquals(Long.MAX_VALUE, other.expiresAfter(rec, rec.beat()));
  }
}
