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
 * One version of a name's record node, as read from ZooKeeper (or as written by this client and
 * confirmed by the returned {@link Stat}).
 *
 * <p>A register or restart writes {@code gen = 0}, meaning "the mzxid of this very version", so
 * that the generation is the transaction id of that write. Every later write of the same
 * incarnation (an expiry mark, a heartbeat flush, the tombstone) carries the generation
 * explicitly. {@code registeredGen} is the generation of the register that began the incarnation.
 *
 * @param version the node's data version (never reset: record nodes are never deleted)
 * @param mzxid the zxid of the write that made this version
 * @param registered {@code false} for a tombstone left by unregister
 * @param gen the generation of the incarnation this version belongs to
 * @param registeredGen the generation of the register that began the incarnation
 * @param owner the ZooKeeper session whose client node vouches for the service's liveness
 * @param beat epoch milliseconds of the last heartbeat written to ZooKeeper
 * @param expiredBeat the {@code beat} that {@code Expired} was announced for, or {@link #NEVER}
 * @param writer the random id of the client that wrote this version
 * @param seq that client's write counter
 * @param prevWriter the writer of the version this one replaced (0 for none)
 * @param prevSeq the write counter of the version this one replaced
 * @param prevGen the generation of the version this one replaced (0 for none)
 * @param handle the service handle of this version (for a tombstone: the one unregistered)
 */
record Rec(
    int version,
    long mzxid,
    boolean registered,
    long gen,
    long registeredGen,
    long owner,
    long beat,
    long expiredBeat,
    long writer,
    long seq,
    long prevWriter,
    long prevSeq,
    long prevGen,
    ServiceHandle handle) {

  /** No expiry announced yet for this incarnation. */
  static final long NEVER = Long.MIN_VALUE;

  private static final byte FORMAT = 1;
  private static final byte REGISTERED = 1;
  private static final byte UNREGISTERED = 2;

  /** What a client writes: the fields of a new version, before ZooKeeper gives it a zxid. */
  record Draft(
      boolean registered,
      long gen,
      long registeredGen,
      long owner,
      long beat,
      long expiredBeat,
      long writer,
      long seq,
      long prevWriter,
      long prevSeq,
      long prevGen,
      String endpoint) {

    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + endpoint.length());
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(FORMAT);
        out.writeByte(registered ? REGISTERED : UNREGISTERED);
        out.writeLong(gen);
        out.writeLong(registeredGen);
        out.writeLong(owner);
        out.writeLong(beat);
        out.writeLong(expiredBeat);
        out.writeLong(writer);
        out.writeLong(seq);
        out.writeLong(prevWriter);
        out.writeLong(prevSeq);
        out.writeLong(prevGen);
        out.writeUTF(endpoint);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
      }
      return bytes.toByteArray();
    }

    /** The version this draft became, once ZooKeeper stored it with {@code stat}. */
    Rec stored(String name, Stat stat) {
      return Rec.of(name, stat, this);
    }
  }

  /** A draft that replaces this version, keeping what is not given, for the same writer fields. */
  Draft next(
      boolean registered,
      long gen,
      long registeredGen,
      long owner,
      long beat,
      long expiredBeat,
      long writer,
      long seq,
      String endpoint) {
    return new Draft(
        registered, gen, registeredGen, owner, beat, expiredBeat, writer, seq, this.writer,
        this.seq, this.gen, endpoint);
  }

  String endpoint() {
    return handle.endpoint().address();
  }

  /** Whether this version carries the write {@code (writer, seq)}. */
  boolean wrote(long writer, long seq) {
    return this.writer == writer && this.seq == seq;
  }

  /** Whether the version this one replaced carried the write {@code (writer, seq)}. */
  boolean replaced(long writer, long seq) {
    return prevWriter == writer && prevSeq == seq;
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
      Draft draft =
          new Draft(
              state == REGISTERED,
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readUTF());
      if (draft.endpoint().isEmpty()) {
        return null;
      }
      return of(name, stat, draft);
    } catch (IOException | IllegalArgumentException e) {
      return null; // truncated or otherwise not written by this backend
    }
  }

  private static Rec of(String name, Stat stat, Draft d) {
    long gen = d.gen() == 0 ? stat.getMzxid() : d.gen();
    long registeredGen = d.registeredGen() == 0 ? stat.getMzxid() : d.registeredGen();
    ServiceHandle handle = new ServiceHandle(name, Endpoint.of(d.endpoint()), new Generation(gen));
    return new Rec(
        stat.getVersion(),
        stat.getMzxid(),
        d.registered(),
        gen,
        registeredGen,
        d.owner(),
        d.beat(),
        d.expiredBeat(),
        d.writer(),
        d.seq(),
        d.prevWriter(),
        d.prevSeq(),
        d.prevGen(),
        handle);
  }
}
