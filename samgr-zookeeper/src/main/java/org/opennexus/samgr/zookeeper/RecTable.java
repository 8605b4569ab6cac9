package org.opennexus.samgr.zookeeper;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The view's versions by name: an open-addressing hash table of {@link Rec}s keyed by {@link
 * Rec#name}, so that a name costs one array slot (4 bytes with compressed references, at most half
 * the slots used) instead of a {@code ConcurrentHashMap} node and its slot (about 40 bytes).
 *
 * <p>One writer at a time: {@link #put}, {@link #remove} and {@link #clear} are called under the
 * view's lock only. {@link #get} and iteration take no lock and may run at any time, on any thread:
 * a slot is written with release semantics and read with acquire semantics, so a reader that finds
 * a version sees all of it, and a growing table is built aside and published whole (a reader still
 * probing the old one finds what it held when it was replaced, which is what it would have found a
 * moment earlier). A removed name leaves a tombstone that probes pass over; it is never reused, and
 * the table is rebuilt without them when live names and tombstones fill half its slots, leaving at
 * most three eighths used, so rebuilds cost O(1) per change amortized, also when names come and go.
 *
 * <p>Names are placed by {@link String#hashCode}, which anyone can make collide (every string of
 * "Aa" and "BB" pairs has the same hash): a lookup reads at most {@value #MAX_PROBES} slots, and a
 * name that finds no free slot among them is held in a {@code ConcurrentHashMap} beside the table
 * ({@link #overflowed}), whose bins of colliding strings are trees ordered by {@link
 * String#compareTo}. So names built to collide cost each change and lookup at most that many probes
 * plus a logarithmic search, never a walk of every colliding name, and other names stay as fast as
 * before. A lookup that misses in the table asks that map (a name may have moved there when the
 * table was rebuilt, and a reader on the old table still finds it there). A name stays in that map
 * until it is removed (moving it back while readers may still probe an older table would hide it
 * from them): names that collisions pushed there cost a map entry each until then.
 *
 * <p>Iteration ({@link #values}) walks the table as it is when the iteration begins, then the
 * overflow: it yields every name held throughout, once; a name added or replaced meanwhile may or
 * may not be seen, and one removed and added again, or moved to the overflow by a rebuild,
 * meanwhile may be seen twice. Its callers look each name up again before acting on it.
 */
final class RecTable {

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  /** What a removed name leaves in its slot. */
  private static final Object TOMBSTONE = new Object();

  private static final int MIN_CAPACITY = 16;

  /** The most slots a lookup reads; a name with no free slot among them goes to the overflow. */
  static final int MAX_PROBES = 64;

  /** The largest table: 2^30 slots, for up to about 400 million names. */
  private static final int MAX_CAPACITY = 1 << 30;

  /** The slots: {@code null} (never used), a {@link Rec}, or {@link #TOMBSTONE}. */
  private volatile Object[] table = new Object[MIN_CAPACITY];

  /** Names held in {@link #table}; written by the writer only. */
  private volatile int size;

  /** Tombstones in {@link #table}; the writer's only. */
  private int tombstones;

  /** How many times the table was rebuilt (for tests). */
  private int rebuilds;

  /**
   * Names that found no free slot within {@link #MAX_PROBES} of their place; never in the table.
   */
  private final ConcurrentHashMap<String, Rec> overflow = new ConcurrentHashMap<>();

  /** The version held for {@code name}, or {@code null}. */
  @Nullable Rec get(String name) {
    Object[] t = table;
    int mask = t.length - 1;
    int h = name.hashCode();
    int i = spread(h) & mask;
    for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
      Object o = SLOT.getAcquire(t, i);
      if (o == null) {
        break;
      }
      if (o != TOMBSTONE) {
        Rec rec = (Rec) o;
        if (rec.hash() == h && rec.name().equals(name)) {
          return rec;
        }
      }
    }
    return missed(name);
  }

  /** After a lookup that the table did not answer: the overflow's version, if any. */
  private @Nullable Rec missed(String name) {
    return overflow.isEmpty() ? null : overflow.get(name);
  }

  /**
   * Holds {@code rec} for its name; returns the version it replaces, or {@code null}. Writer only.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer
  @Nullable Rec put(Rec rec) {
    Object[] t = table;
    int mask = t.length - 1;
    String name = rec.name();
    int h = rec.hash();
    int free = -1;
    int i = spread(h) & mask;
    for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
      Object o = t[i]; // plain: only this writer changes slots
      if (o == null) {
        free = i;
        break;
      }
      if (o != TOMBSTONE && ((Rec) o).hash() == h && ((Rec) o).name().equals(name)) {
        SLOT.setRelease(t, i, rec);
        return (Rec) o;
      }
    }
    Rec old = missed(name);
    if (old != null) {
      overflow.put(name, rec);
      return old;
    }
    if ((size + tombstones + 1L) * 2 > t.length) {
      rebuild(rec);
    } else if (free >= 0) {
      SLOT.setRelease(t, free, rec);
      size = size + 1;
    } else {
      overflow.put(name, rec);
    }
    return null;
  }

  /** Stops holding {@code name}; returns the version it held, or {@code null}. Writer only. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer
  @Nullable Rec remove(String name) {
    Object[] t = table;
    int mask = t.length - 1;
    int h = name.hashCode();
    int i = spread(h) & mask;
    for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
      Object o = t[i];
      if (o == null) {
        break;
      }
      if (o != TOMBSTONE && ((Rec) o).hash() == h && ((Rec) o).name().equals(name)) {
        SLOT.setRelease(t, i, TOMBSTONE);
        size = size - 1;
        tombstones++;
        return (Rec) o;
      }
    }
    return overflow.remove(name);
  }

  /** Holds nothing. Writer only. */
  void clear() {
    table = new Object[MIN_CAPACITY];
    size = 0;
    tombstones = 0;
    overflow.clear();
  }

  /** How many names are held. */
  int size() {
    return size + overflow.size();
  }

  /** How many slots the table has now (for tests: it grows to keep at most half of them used). */
  int capacity() {
    return table.length;
  }

  /** How many names are held beside the table, having found no free slot near their place. */
  int overflowed() {
    return overflow.size();
  }

  /** How many times the table was rebuilt (for tests). */
  int rebuilds() {
    return rebuilds;
  }

  /**
   * Publishes a table holding the table's names plus {@code extra} (a name not held), built aside
   * and without the tombstones, with at most three eighths of its slots used. A name that finds no
   * free slot near its place goes to the overflow first, so that a reader of either table finds it.
   */
  private void rebuild(Rec extra) {
    long needed = size + 1L;
    long capacity = MIN_CAPACITY;
    while (needed * 8 > capacity * 3) {
      capacity <<= 1;
    }
    if (capacity > MAX_CAPACITY) {
      throw new IllegalStateException(
          "a client's view holds at most " + (MAX_CAPACITY / 8 * 3) + " names in its table");
    }
    Object[] fresh = new Object[(int) capacity];
    int placed = 0;
    for (Object o : table) {
      if (o != null && o != TOMBSTONE) {
        placed += place(fresh, (Rec) o);
      }
    }
    placed += place(fresh, extra);
    tombstones = 0;
    rebuilds++;
    size = placed;
    table = fresh; // volatile: a reader that reads this table sees all of it
  }

  /** Places a version in a table being built: 1, or 0 if it went to the overflow instead. */
  private int place(Object[] t, Rec rec) {
    int mask = t.length - 1;
    int i = spread(rec.hash()) & mask;
    for (int n = 0; n < MAX_PROBES; n++, i = (i + 1) & mask) {
      if (t[i] == null) {
        t[i] = rec;
        return 1;
      }
    }
    overflow.put(rec.name(), rec);
    return 0;
  }

  /** Spreads a hash's high bits into the low ones that pick the slot (linear probing clusters). */
  private static int spread(int h) {
    int x = h * 0x9E3779B9; // Fibonacci hashing: golden ratio
    return x ^ (x >>> 16);
  }

  /**
   * The versions held, in no order: the table as it is when an iteration begins, then the overflow.
   */
  Iterable<Rec> values() {
    return () -> new Walk(table, overflow.values().iterator());
  }

  /** An iteration over one table, then the overflow. */
  private static final class Walk implements Iterator<Rec> {
    private final Object[] t;
    private final Iterator<Rec> overflow;
    private int i;
    private @Nullable Rec next;

    Walk(Object[] t, Iterator<Rec> overflow) {
      this.t = t;
      this.overflow = overflow;
      advance();
    }

    private void advance() {
      next = null;
      while (i < t.length) {
        Object o = SLOT.getAcquire(t, i++);
        if (o != null && o != TOMBSTONE) {
          next = (Rec) o;
          return;
        }
      }
      if (overflow.hasNext()) {
        next = overflow.next();
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Rec next() {
      Rec r = next;
      if (r == null) {
        throw new NoSuchElementException();
      }
      advance();
      return r;
    }
  }
}
