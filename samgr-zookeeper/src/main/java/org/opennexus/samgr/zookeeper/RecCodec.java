package org.opennexus.samgr.zookeeper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.Arguments;
import org.opennexus.samgr.spi.LivenessClock;

/**
 * The bytes of a record node: a format byte (3), a state byte (1 registered, 2 unregistered), then
 * {@code gen}, {@code registeredGen}, {@code owner}, {@code beat}, {@code expiredBeat}, {@code
 * writer}, {@code seq}, {@code prevWriter}, {@code prevSeq}, {@code prevGen} as big-endian longs,
 * the endpoint in modified UTF-8 ({@link DataOutputStream#writeUTF}), then {@code epochBase} and
 * {@code epochStart} (see {@link Epoch}), then the service's own liveness timeout in milliseconds
 * ({@code timeoutMillis}, 0 if unknown). Format 2, written before timeouts were kept, ends after
 * the epoch fields: its timeout is unknown, and each client judges it by its own. Format 1, written
 * before epochs, has no epoch fields either: its generations are zxids. Bytes that are not such a
 * record are {@link Unreadable}, saying why.
 */
final class RecCodec {

  private static final byte FORMAT = 3;

  /** The format before liveness timeouts were kept: no timeout field. */
  private static final byte FORMAT_WITHOUT_TIMEOUT = 2;

  /** The format before epochs: no epoch fields, the generation is the zxid. */
  private static final byte FORMAT_WITHOUT_EPOCH = 1;

  private static final byte REGISTERED = 1;
  private static final byte UNREGISTERED = 2;

  private RecCodec() {}

  /**
   * Whether {@code millis} is a reading a {@link LivenessClock} can give, or one past its last (a
   * revival is one millisecond newer than the expiry it ends): liveness arithmetic stays exact.
   */
  private static boolean clockReading(long millis) {
    return millis >= LivenessClock.MIN_MILLIS && millis <= LivenessClock.MAX_MILLIS + 1;
  }

  /** The most bytes a record with this endpoint takes (modified UTF-8: up to 3 per unit). */
  static int maxSize(String endpoint) {
    return 2 + 10 * 8 + 2 + 3 * endpoint.length() + 3 * 8;
  }

  /**
   * The bytes of {@code draft} written by {@code writer} as its write number {@code seq}, whose
   * generation is issued in the epoch {@code (epochBase, epochStart)}.
   */
  static byte[] encode(Rec.Draft draft, long writer, long seq, long epochBase, long epochStart) {
    Rec base = draft.base();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(104 + draft.endpoint().length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(draft.registered() ? REGISTERED : UNREGISTERED);
      out.writeLong(draft.gen());
      out.writeLong(draft.registeredGen());
      out.writeLong(draft.owner());
      out.writeLong(draft.beat());
      out.writeLong(draft.expiredBeat());
      out.writeLong(writer);
      out.writeLong(seq);
      out.writeLong(base == null ? 0 : base.writer());
      out.writeLong(base == null ? 0 : base.seq());
      out.writeLong(base == null ? 0 : base.gen());
      out.writeUTF(draft.endpoint());
      out.writeLong(epochBase);
      out.writeLong(epochStart);
      out.writeLong(draft.timeoutMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /** The write a version replaced, as its bytes say: writer id, write counter, generation. */
  record Replaced(long writer, long seq, long gen) {
    /** Whether it is the write {@code (writer, seq)}. */
    boolean was(long writer, long seq) {
      return this.writer == writer && this.seq == seq;
    }
  }

  /** Where the fields of the version replaced begin: after format, state and seven longs. */
  private static final int REPLACED_AT = 2 + 7 * Long.BYTES;

  /**
   * What the bytes of a version, which {@link #parse} read, say of the version it replaced (the
   * view does not keep it: see {@link Rec}).
   */
  static Replaced replaced(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data, REPLACED_AT, 3 * Long.BYTES); // big-endian, as written
    return new Replaced(in.getLong(), in.getLong(), in.getLong());
  }

  /** The version that {@code bytes} (made by {@link #encode}) became, stored with {@code stat}. */
  static Rec stored(String name, Stat stat, byte[] bytes) {
    try {
      return parse(name, stat, bytes);
    } catch (Unreadable e) {
      throw new IllegalStateException("a record this client encoded cannot be read back", e);
    }
  }

  /**
   * Bytes of a record node that are not a record this client can read: {@link #why} says why (an
   * unknown format byte, bytes cut short, a field out of range), in words for the user.
   */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String why) {
      super(why, null, false, false); // an answer, not a failure of this code: no stack trace
    }

    String why() {
      return String.valueOf(getMessage());
    }
  }

  /** Parses a stored version; throws {@link Unreadable}, saying why, if the bytes are not one. */
  static Rec parse(String name, Stat stat, byte @Nullable [] data) throws Unreadable {
    if (data == null || data.length == 0) {
      throw new Unreadable("it is empty");
    }
    if (data[0] != FORMAT && data[0] != FORMAT_WITHOUT_TIMEOUT && data[0] != FORMAT_WITHOUT_EPOCH) {
      throw new Unreadable(
          "unknown format byte " + data[0] + " (written by a newer samgr, or not by samgr)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      boolean withEpoch = format != FORMAT_WITHOUT_EPOCH;
      byte state = in.readByte();
      if (state != REGISTERED && state != UNREGISTERED) {
        throw new Unreadable("unknown state byte " + state);
      }
      long gen = in.readLong();
      long registeredGen = in.readLong();
      long owner = in.readLong();
      long beat = in.readLong();
      long expiredBeat = in.readLong();
      long writer = in.readLong();
      long seq = in.readLong();
      in.skipNBytes(3 * Long.BYTES); // the version replaced: see replaced()
      String endpoint = in.readUTF();
      long epochBase = withEpoch ? in.readLong() : 0;
      long epochStart = withEpoch ? in.readLong() : 0;
      long timeout = format == FORMAT ? in.readLong() : Rec.UNKNOWN_TIMEOUT;
      if (endpoint.isEmpty()) {
        throw new Unreadable("its endpoint is empty");
      }
      if (epochBase < 0) {
        throw new Unreadable("its epoch base is negative");
      }
      if (timeout < 0) {
        throw new Unreadable("its liveness timeout is negative");
      }
      if (!clockReading(beat)) {
        throw new Unreadable("its heartbeat " + beat + " is outside every clock's range");
      }
      if (expiredBeat != Rec.NEVER && !clockReading(expiredBeat)) {
        throw new Unreadable("its expiry mark " + expiredBeat + " is outside every clock's range");
      }
      if (in.available() > 0) {
        throw new Unreadable(
            in.available() + " bytes follow the end of a record of format " + data[0]);
      }
      long mzxid = stat.getMzxid();
      long own = epochBase + (mzxid - epochStart);
      long g = gen == Rec.THIS_WRITE ? own : gen;
      Arguments.requireName(name); // checked as the handle's constructor would
      Arguments.requireAddress(endpoint);
      if (g < 1) {
        throw new Unreadable("a field is out of range: generation must be at least 1, but is " + g);
      }
      return new Rec(
          name,
          Rec.compact(endpoint),
          g,
          stat.getVersion(),
          mzxid,
          registeredGen == Rec.THIS_WRITE ? own : registeredGen,
          beat,
          expiredBeat,
          seq,
          Rec.Shared.of(state == REGISTERED, owner, writer, epochBase, epochStart, timeout));
    } catch (EOFException e) {
      throw new Unreadable(
          "truncated: a record of format "
              + data[0]
              + " cut off after "
              + data.length
              + (data.length == 1 ? " byte" : " bytes"));
    } catch (UTFDataFormatException e) {
      throw new Unreadable("its endpoint is not in modified UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayInputStream does not fail
    } catch (IllegalArgumentException e) {
      throw new Unreadable("a field is out of range: " + e.getMessage());
    }
  }
}
