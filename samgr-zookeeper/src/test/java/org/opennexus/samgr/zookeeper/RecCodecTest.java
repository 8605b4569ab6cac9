package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * The record's bytes keep the service's own liveness timeout (format 3); records of formats 1 and
 * 2, written before, stay readable and are judged by the reading client's own timeout.
 */
class RecCodecTest {

  private static final long BEAT = 1_000_000;
  private static final long OWNER = 7;

  private static Stat stat(long mzxid) {
    Stat stat = new Stat();
    stat.setMzxid(mzxid);
    stat.setVersion(0);
    return stat;
  }

  private static byte[] format3(long timeout) {
    return RecCodec.encode(Rec.registration(OWNER, BEAT, "tcp://a:1", timeout), 9, 1, 500, 40);
  }

  @Test
  void theTimeoutIsKeptAndJudgesTheServiceWhoeverReads() {
    Rec rec = RecCodec.parse("svc", stat(42), format3(3_000));
    assertNotNull(rec);
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
  void recordsOfFormatsOneAndTwoAreJudgedByTheReadersOwnTimeout() {
    byte[] three = format3(3_000);
    byte[] two = Arrays.copyOf(three, three.length - 8); // without the timeout
    two[0] = 2;
    byte[] one = Arrays.copyOf(three, three.length - 24); // without the epoch and the timeout
    one[0] = 1;
    Rec fromTwo = RecCodec.parse("svc", stat(42), two);
    Rec fromOne = RecCodec.parse("svc", stat(42), one);
    assertNotNull(fromTwo);
    assertNotNull(fromOne);
    assertEquals(Rec.UNKNOWN_TIMEOUT, fromTwo.timeoutMillis());
    assertEquals(Rec.UNKNOWN_TIMEOUT, fromOne.timeoutMillis());
    assertEquals(502, fromTwo.gen());
    assertEquals(42, fromOne.gen()); // before epochs, the generation is the zxid
    assertEquals(1_000, new Heartbeats(1_000, () -> OWNER).timeout(fromTwo));
    assertEquals(60_000, new Heartbeats(60_000, () -> OWNER).timeout(fromTwo));
    assertEquals(1_000, new Heartbeats(1_000, () -> OWNER).timeout(fromOne));
  }

  @Test
  void aFormatThreeRecordWithANegativeTimeoutOrBytesMissingIsNotARecord() {
    assertNull(RecCodec.parse("svc", stat(42), format3(-1)));
    byte[] three = format3(3_000);
    assertNull(RecCodec.parse("svc", stat(42), Arrays.copyOf(three, three.length - 1)));
    byte[] tooLong = Arrays.copyOf(three, three.length + 1);
    assertNull(RecCodec.parse("svc", stat(42), tooLong));
  }
}
