package org.opennexus.samgr.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceHandle;

/**
 * One version of a name's record node, as read from ZooKeeper (or as written by this client and
 * confirmed by the returned {@code Stat}); {@link RecCodec} reads and writes its bytes. A change is
 * made by one of the named transitions ({@link #registration}, {@link #reregistered}, {@link
 * #restarted}, {@link #beaten}, {@link #expired}, {@link #unregistered}), each a {@link Draft} of
 * the next version.
 *
 * <p>A register or restart writes {@code gen = 0}, meaning "the generation of this very version":
 * {@code epochBase + (mzxid - epochStart)}, from the zxid of that write and the {@link Epoch} it
 * was written in (so that generations never repeat, see there). Every later write of the same
 * incarnation (an expiry mark, a heartbeat flush, the tombstone) carries the generation explicitly.
 * {@code registeredGen} is the generation of the register that began the incarnation.
 *
 * <p>A client's view holds one {@code Rec} per name, so its layout is compact (88 bytes with
 * compressed references): the fields that few distinct values fill across a namespace (who wrote a
 * version, whose session owns it, its timeout, its epoch, whether it is registered) are one shared,
 * interned {@link Shared} value; what the bytes say of the version this one replaced ({@code
 * prevWriter}, {@code prevSeq}, {@code prevGen}) is not kept at all: only a writer that lost the
 * answer to its own write asks, and it reads that from the bytes it fetched ({@link
 * RecCodec#replaced}); and the {@link ServiceHandle} is not built until asked for. The endpoint is
 * kept as its bytes (one byte per character, an address in Latin-1 as nearly all are) or else as
 * its string; {@link #handleKept} (what {@code resolve} calls) builds the handle once and keeps it
 * in the endpoint's place, so that resolving a name again allocates nothing, and a later version of
 * the same generation and endpoint takes it over ({@link #inherit}). A name never resolved costs no
 * handle; one resolved costs about 88 bytes more (the handle, 64, and the endpoint's string in
 * place of its bytes, 24 more).
 *
 * <p>The fields of a version (those the view keeps):
 *
 * <ul>
 *   <li>{@code version}: the node's data version (never reset: record nodes are never deleted)
 *   <li>{@code mzxid}: the zxid of the write that made this version
 *   <li>{@code registered}: {@code false} for a tombstone left by unregister
 *   <li>{@code gen}: the generation of the incarnation this version belongs to
 *   <li>{@code registeredGen}: the generation of the register that began the incarnation
 *   <li>{@code owner}: the ZooKeeper session whose client node vouches for the service's liveness
 *   <li>{@code beat}: epoch milliseconds of the last heartbeat written to ZooKeeper
 *   <li>{@code expiredBeat}: the {@code beat} that {@code Expired} was announced for, or {@link
 *       #NEVER}
 *   <li>{@code writer}: the random id of the client that wrote this version
 *   <li>{@code seq}: that client's write counter
 *   <li>{@code epochBase}: the base of the {@link Epoch} its generation was issued in (0 in a
 *       record written before epochs: its generation is its zxid)
 *   <li>{@code epochStart}: the zxid at which that epoch began
 *   <li>{@code name}, {@code endpoint}: the service handle of this version (for a tombstone: the
 *       one unregistered), with {@code gen}
 *   <li>{@code timeoutMillis}: the service's own liveness timeout in milliseconds, set by the
 *       client that registered or restarted it; {@link #UNKNOWN_TIMEOUT} in a record written before
 *       timeouts were kept (each client judges such a record by its own timeout)
 * </ul>
 */
final class Rec {

  /**
   * The fields of a version that many versions share: a namespace has few writing clients,
   * sessions, timeouts and epochs, so few distinct combinations. Interned by {@link #of}.
   */
  record Shared(
      boolean registered,
      long owner,
      long writer,
      long epochBase,
      long epochStart,
      long timeoutMillis) {

    /** Slots of the interning table: a power of two. */
    private static final int SLOTS = 1 << 10;

    /**
     * Recently made values, by hash: a bounded, lossy interning table (a value whose slot holds
     * another is kept unshared, and takes the slot). Its values are immutable, so any thread may
     * use any of them.
     */
    private static final AtomicReferenceArray<Shared> INTERNED = new AtomicReferenceArray<>(SLOTS);

    /** The interned value of these fields. */
    static Shared of(
        boolean registered,
        long owner,
        long writer,
        long epochBase,
        long epochStart,
        long timeoutMillis) {
      Shared fresh = new Shared(registered, owner, writer, epochBase, epochStart, timeoutMillis);
      int h = fresh.hashCode();
      int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
      Shared seen = INTERNED.get(slot);
      if (fresh.equals(seen)) {
        return seen;
      }
      INTERNED.lazySet(slot, fresh);
      return fresh;
    }
  }

  private final int version;
  private final long mzxid;
  private final long registeredGen;
  private final long beat;
  private final long expiredBeat;
  private final long seq;
  private final Shared shared;

  /** Not final only so that {@link #inherit} can share the older version's string. */
  private String name;

  /** The name's {@link String#hashCode}, by which {@link RecTable} places it (free: padding). */
  private final int hash;

  private final long gen;

  /**
   * The endpoint: its Latin-1 bytes, or its string if it has other characters, or the {@link
   * ServiceHandle} of this version once {@link #handleKept} built it (holding the endpoint). Each
   * is immutable; volatile, so that the handle, kept by one thread, is seen whole by any.
   */
  private volatile Object endpoint;

  /**
   * Not a field of the record node but this client's: the clock's reading minus the real time
   * ({@link System#nanoTime}, in milliseconds) when the version came into the view, by which the
   * {@link ExpiryAnnouncer} counts the real time left until its expiry; {@link #UNANCHORED} until
   * then. Written by the announcer after the view published the version (when it plans, or by its
   * sweep if the clock could not be read then), hence volatile.
   */
  private volatile long anchor = UNANCHORED;

  /** No {@link #anchor} yet. */
  static final long UNANCHORED = Long.MIN_VALUE;

  /**
   * A version of {@code name}'s record whose generation is {@code gen} and whose endpoint is {@code
   * endpoint}, as {@link #compact} keeps it.
   */
  Rec(
      String name,
      Object endpoint,
      long gen,
      int version,
      long mzxid,
      long registeredGen,
      long beat,
      long expiredBeat,
      long seq,
      Shared shared) {
    this.name = name;
    this.hash = name.hashCode();
    this.endpoint = endpoint;
    this.gen = gen;
    this.version = version;
    this.mzxid = mzxid;
    this.registeredGen = registeredGen;
    this.beat = beat;
    this.expiredBeat = expiredBeat;
    this.seq = seq;
    this.shared = shared;
  }

  /** An endpoint address as a version keeps it: its bytes if it is Latin-1, else itself. */
  static Object compact(String address) {
    for (int i = 0; i < address.length(); i++) {
      if (address.charAt(i) > 0xFF) {
        return address;
      }
    }
    return address.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The service's name. */
  String name() {
    return name;
  }

  /** The name's {@link String#hashCode}. */
  int hash() {
    return hash;
  }

  int version() {
    return version;
  }

  long mzxid() {
    return mzxid;
  }

  boolean registered() {
    return shared.registered();
  }

  long gen() {
    return gen;
  }

  long registeredGen() {
    return registeredGen;
  }

  long owner() {
    return shared.owner();
  }

  long beat() {
    return beat;
  }

  long expiredBeat() {
    return expiredBeat;
  }

  long writer() {
    return shared.writer();
  }

  long seq() {
    return seq;
  }

  long epochBase() {
    return shared.epochBase();
  }

  long epochStart() {
    return shared.epochStart();
  }

  /**
   * The handle of this version: the one kept if {@link #handleKept} built it, else a new one, not
   * kept (what events, listings and writes return: a view whose every name had its handle kept
   * would cost 64 bytes more per name).
   */
  ServiceHandle handle() {
    Object e = endpoint;
    return e instanceof ServiceHandle h ? h : build(e);
  }

  /**
   * The handle of this version, built once and kept: what {@code resolve} returns, so that it
   * allocates nothing for a name resolved before (or whose earlier version of the same generation
   * and endpoint was). Racing threads may each build one; all are equal, one is kept.
   */
  ServiceHandle handleKept() {
    Object e = endpoint;
    if (e instanceof ServiceHandle h) {
      return h;
    }
    ServiceHandle h = build(e);
    endpoint = h;
    return h;
  }

  /**
   * Shares the name's string with {@code older}, the version this one replaces in the view, and
   * takes over the handle {@code older} keeps if it is this version's too (same generation and
   * endpoint): a heartbeat or an expiry mark written does not make {@code resolve} build it again,
   * and a resolved name keeps one copy of its name. Called by the view before it publishes this
   * version (which no other thread reads before then).
   */
  void inherit(Rec older) {
    if (!older.name.equals(name)) {
      return;
    }
    name = older.name;
    if (older.endpoint instanceof ServiceHandle h
        && !(endpoint instanceof ServiceHandle)
        && older.gen == gen
        && sameAddress(endpoint, h.endpoint().address())) {
      endpoint = h;
    }
  }

  /** Whether an endpoint as kept here is {@code address}, without building its string. */
  private static boolean sameAddress(Object e, String address) {
    if (e instanceof byte[] latin1) {
      if (latin1.length != address.length()) {
        return false;
      }
      for (int i = 0; i < latin1.length; i++) {
        if ((latin1[i] & 0xFF) != address.charAt(i)) {
          return false;
        }
      }
      return true;
    }
    return address.equals(address(e));
  }

  private ServiceHandle build(Object e) {
    return new ServiceHandle(name, Endpoint.of(address(e)), new Generation(gen));
  }

  private static String address(Object e) {
    if (e instanceof byte[] latin1) {
      return new String(latin1, StandardCharsets.ISO_8859_1);
    }
    if (e instanceof ServiceHandle h) {
      return h.endpoint().address();
    }
    return (String) e;
  }

  long timeoutMillis() {
    return shared.timeoutMillis();
  }

  /** The clock against real time when the version came in, or {@link #UNANCHORED}. */
  long anchor() {
    return anchor;
  }

  /** Sets the {@link #anchor}: the clock's reading minus the real time, now. */
  void anchor(long clockMinusReal) {
    this.anchor = clockMinusReal;
  }

  /** No expiry announced yet for this incarnation. */
  static final long NEVER = Long.MIN_VALUE;

  /** No liveness timeout kept: a record of format 1 or 2, judged by each reader's own timeout. */
  static final long UNKNOWN_TIMEOUT = 0;

  /** "The mzxid of the version that holds it": the generation of a register or restart. */
  static final long THIS_WRITE = 0;

  /**
   * The next version of a record, before ZooKeeper stores it (and before the writer stamps it with
   * its id and write counter, see {@link RecCodec#encode}).
   *
   * @param base the version it replaces, or {@code null} if it creates the record node
   * @param registered {@code false} for a tombstone
   * @param gen the generation, or {@link #THIS_WRITE}
   * @param registeredGen the generation of the incarnation's register, or {@link #THIS_WRITE}
   * @param owner the session that vouches for the service
   * @param beat the heartbeat written, epoch milliseconds
   * @param expiredBeat the beat that {@code Expired} is announced for, or {@link #NEVER}
   * @param endpoint the service's endpoint address
   * @param timeoutMillis the service's own liveness timeout, or {@link #UNKNOWN_TIMEOUT}
   */
  record Draft(
      @Nullable Rec base,
      boolean registered,
      long gen,
      long registeredGen,
      long owner,
      long beat,
      long expiredBeat,
      String endpoint,
      long timeoutMillis) {}

  /** The first register of a name: creates its record node; {@code timeout} is the service's. */
  static Draft registration(long owner, long beat, String endpoint, long timeout) {
    return new Draft(null, true, THIS_WRITE, THIS_WRITE, owner, beat, NEVER, endpoint, timeout);
  }

  /** A register of a name whose record is a tombstone: a new incarnation. */
  Draft reregistered(long owner, long beat, String endpoint, long timeout) {
    return new Draft(this, true, THIS_WRITE, THIS_WRITE, owner, beat, NEVER, endpoint, timeout);
  }

  /** A restart: a new generation of the same incarnation, alive, owned by {@code owner}. */
  Draft restarted(long owner, long beat, String endpoint, long timeout) {
    return new Draft(this, true, THIS_WRITE, registeredGen, owner, beat, NEVER, endpoint, timeout);
  }

  /** A heartbeat written by {@code owner}, with the expiry mark it keeps or sets. */
  Draft beaten(long owner, long beat, long expiredBeat) {
    return new Draft(
        this, true, gen(), registeredGen, owner, beat, expiredBeat, endpoint(), timeoutMillis());
  }

  /** The expiry mark: {@code Expired} announced for the heartbeat {@code last}. */
  Draft expired(long last) {
    return new Draft(
        this, true, gen(), registeredGen, owner(), last, last, endpoint(), timeoutMillis());
  }

  /** The tombstone that unregister writes. */
  Draft unregistered() {
    return new Draft(
        this, false, gen(), registeredGen, owner(), beat, expiredBeat, endpoint(), timeoutMillis());
  }

  /** The endpoint's address (a new string unless the handle is kept or it is not Latin-1). */
  String endpoint() {
    return address(endpoint);
  }

  /** Whether this incarnation's expiry has been announced for its latest written heartbeat. */
  boolean expiryAnnounced() {
    return expiredBeat >= beat;
  }

  /** Whether this version carries the write {@code (writer, seq)}. */
  boolean wrote(long writer, long seq) {
    return shared.writer() == writer && this.seq == seq;
  }

  /**
   * Where this version lies in the namespace's order of writes: the generation a register at its
   * zxid would have had. Per name it grows with every write, also across the epochs of one history,
   * and a new history's epochs begin beyond every stamp of the old one.
   */
  long stamp() {
    return shared.epochBase() + (mzxid - shared.epochStart());
  }

  /** Whether this version's generation was issued in an epoch below {@code floor}: void. */
  boolean before(long floor) {
    return shared.epochBase() < floor;
  }

  /** This version as void: issued before a loss of the ensemble's data, as if unregistered. */
  Rec voided() {
    Shared s = shared;
    return new Rec(
        name,
        endpoint,
        gen,
        version,
        mzxid,
        registeredGen,
        beat,
        expiredBeat,
        seq,
        Shared.of(false, s.owner(), s.writer(), s.epochBase(), s.epochStart(), s.timeoutMillis()));
  }
}
