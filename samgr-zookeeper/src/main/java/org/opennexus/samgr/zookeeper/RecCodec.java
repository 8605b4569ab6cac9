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
 * The bytes of a record node: a format byte (1), a state byte (1 registered, 2 unregistered),
 * then {@code gen}, {@code registeredGen}, {@code owner}, {@code beat}, {@code expiredBeat},
 * {@code writer}, {@code seq}, {@code prevWriter}, {@code prevSeq}, {@code prevGen} as big-endian
 * longs, then the endpoint in modified UTF-8 ({@link DataOutputStream#writeUTF}).
 */
final class RecCodec {

  private static final byte FORMAT = 1;
  private static final byte REGISTERED = 1;
  private static final byte UNREGISTERED = 2;

  private RecCodec() {}

  /** The bytes of {@code draft} written by {@code writer} as its write number {@code seq}. */
  static byte[] encode(Rec.Draft draft, long writer, long seq) {
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
    if (data == null || data.length < 2 || data[0] != FORMAT) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      in.readByte();
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
      if (endpoint.isEmpty()) {
        return null;
      }
      long mzxid = stat.getMzxid();
      long g = gen == Rec.THIS_WRITE ? mzxid : gen;
      ServiceHandle handle = new ServiceHandle(name, Endpoint.of(endpoint), new Generation(g));
      return new Rec(
          stat.getVersion(),
          mzxid,
          state == REGISTERED,
          g,
          registeredGen == Rec.THIS_WRITE ? mzxid : registeredGen,
          owner,
          beat,
          expiredBeat,
          writer,
          seq,
          prevWriter,
          prevSeq,
          prevGen,
          handle);
    } catch (IOException | IllegalArgumentException e) {
      return null; // truncated or otherwise not written by this backend
    }
  }
}
