package org.opennexus.samgr.zookeeper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;

/**
 * The bytes of a record node: a format byte (2), a state byte (1 registered, 2 unregistered), then
 * {@code gen}, {@code registeredGen}, {@code owner}, {@code beat}, {@code expiredBeat}, {@code
 * writer}, {@code seq}, {@code prevWriter}, {@code prevSeq}, {@code prevGen} as big-endian longs,
 * the endpoint in modified UTF-8 ({@link DataOutputStream#writeUTF}), then {@code epochBase} and
 * {@code epochStart} (see {@link Epoch}). Format 1, written before epochs, has no epoch fields: its
 * generations are zxids.
 */
final class RecCodec {

  private static final byte FORMAT = 2;

  /** The format before epochs: no epoch fields, the generation is the zxid. */
  private static final byte FORMAT_WITHOUT_EPOCH = 1;

  private static final byte REGISTERED = 1;
  private static final byte UNREGISTERED = 2;

  private RecCodec() {}

  /** The most bytes a record with this endpoint takes (modified UTF-8: up to 3 per unit). */
  static int maxSize(String endpoint) {
    return 2 + 10 * 8 + 2 + 3 * endpoint.length() + 2 * 8;
  }

  /**
   * The bytes of {@code draft} written by {@code writer} as its write number {@code seq}, whose
   * generation is issued in the epoch {@code (epochBase, epochStart)}.
   */
  static byte[] encode(Rec.Draft draft, long writer, long seq, long epochBase, long epochStart) {
    Rec base = draft.base();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + draft.endpoint().length());
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
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /** The version that {@code bytes} (made by {@link #encode}) became, stored with {@code stat}. */
  static Rec stored(String name, Stat stat, byte[] bytes) {
    Rec rec = parse(name, stat, bytes);
    if (rec == null) {
      throw new IllegalStateException("a record this client encoded cannot be read back");
    }
    return rec;
  }

  /** Parses a stored version, or returns {@code null} if the bytes are not a record. */
  static @Nullable Rec parse(String name, Stat stat, byte @Nullable [] data) {
    if (data == null || data.length < 2 || (data[0] != FORMAT && data[0] != FORMAT_WITHOUT_EPOCH)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      boolean withEpoch = in.readByte() == FORMAT;
      byte state = in.readByte();
      if (state != REGISTERED && state != UNREGISTERED) {
        return null;
      }
      long gen = in.readLong();
      long registeredGen = in.readLong();
      long owner = in.readLong();
      long beat = in.readLong();
      long expiredBeat = in.readLong();
      long writer = in.readLong();
      long seq = in.readLong();
      long prevWriter = in.readLong();
      long prevSeq = in.readLong();
      long prevGen = in.readLong();
      String endpoint = in.readUTF();
      long epochBase = withEpoch ? in.readLong() : 0;
      long epochStart = withEpoch ? in.readLong() : 0;
      if (endpoint.isEmpty() || epochBase < 0 || in.available() > 0) {
        return null;
      }
      long mzxid = stat.getMzxid();
      long own = epochBase + (mzxid - epochStart);
      long g = gen == Rec.THIS_WRITE ? own : gen;
      ServiceHandle handle = new ServiceHandle(name, Endpoint.of(endpoint), new Generation(g));
      return new Rec(
          stat.getVersion(),
          mzxid,
          state == REGISTERED,
          g,
          registeredGen == Rec.THIS_WRITE ? own : registeredGen,
          owner,
          beat,
          expiredBeat,
          writer,
          seq,
          prevWriter,
          prevSeq,
          prevGen,
          epochBase,
          epochStart,
          handle);
    } catch (IOException | IllegalArgumentException e) {
      return null; // truncated or otherwise not written by this backend
    }
  }
}
