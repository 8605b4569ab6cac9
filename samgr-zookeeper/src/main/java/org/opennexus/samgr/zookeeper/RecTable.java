package org.opennexus.samgr.zookeeper;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
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
 * the table is rebuilt without them when live names and tombstones fill half its slots. So every
 * probe ends at an empty slot.
 *
 * <p>Iteration ({@link #values}) walks the table as it is when the iteration begins: it yields
 * every name held throughout, once; a name added or replaced meanwhile may or may not be seen, and
 * one removed and added again meanwhile may be seen twice. Its callers look each name up again
 * before acting on it.
 */
final class RecTable {

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  /** What a removed name leaves in its slot. */
  private static final Object TOMBSTONE = new Object();

  private static final int MIN_CAPACITY = 16;

  /** The slots: {@code null} (never used), a {@link Rec}, or {@link #TOMBSTONE}. */
  private volatile Object[] table = new Object[MIN_CAPACITY];

  /** Names held; written by the writer only. */
  private volatile int size;

  /** Tombstones in {@link #table}; the writer's only. */
  private int tombstones;

  /** The version held for {@code name}, or {@code null}. */
  @Nullable Rec get(String name) {
    Object[] t = table;
    int mask = t.length - 1;
    int h = name.hashCode();
    for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
      Object o = SLOT.getAcquire(t, i);
      if (o == null) {
        return null;
      }
      if (o != TOMBSTONE) {
        String held = ((Rec) o).name();
        if (held.hashCode() == h && held.equals(name)) { // a String caches its hash
          return (Rec) o;
        }
      }
    }
  }

  /**
   * Holds {@code rec} for its name; returns the version it replaces, or {@code null}. Writer only.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer
  @Nullable Rec put(Rec rec) {
    Object[] t = table;
    int mask = t.length - 1;
    String name = rec.name();
    int h = name.hashCode();
    int i = spread(h) & mask;
    for (; ; i = (i + 1) & mask) {
      Object o = t[i]; // plain: only this writer changes slots
      if (o == null) {
        break;
      }
      if (o != TOMBSTONE && ((Rec) o).name().equals(name)) {
        SLOT.setRelease(t, i, rec);
        return (Rec) o;
      }
    }
    if ((size + tombstones + 1) * 2 > t.length) {
      rebuild(rec);
    } else {
      SLOT.setRelease(t, i, rec);
    }
    size = size + 1;
    return null;
  }

  /** Stops holding {@code name}; returns the version it held, or {@code null}. Writer only. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer
  @Nullable Rec remove(String name) {
    Object[] t = table;
    int mask = t.length - 1;
    for (int i = spread(name.hashCode()) & mask; ; i = (i + 1) & mask) {
      Object o = t[i];
      if (o == null) {
        return null;
      }
      if (o != TOMBSTONE && ((Rec) o).name().equals(name)) {
        SLOT.setRelease(t, i, TOMBSTONE);
        size = size - 1;
        tombstones++;
        return (Rec) o;
      }
    }
  }

  /** Holds nothing. Writer only. */
  void clear() {
    table = new Object[MIN_CAPACITY];
    size = 0;
    tombstones = 0;
  }

  /** How many names are held. */
  int size() {
    return size;
  }

  /** How many slots the table has now (for tests: it grows to keep at most half of them used). */
  int capacity() {
    return table.length;
  }

  /**
   * Publishes a table holding the names held plus {@code extra} (a name not held), built aside and
   * without the tombstones, with at most three eighths of its slots used: at least an eighth of its
   * slots are then filled by later puts or tombstones before the next rebuild, so rebuilds cost
   * O(1) per change amortized, also when names come and go.
   */
  private void rebuild(Rec extra) {
    long needed = size + 1L;
    int capacity = MIN_CAPACITY;
    while (needed * 8 > capacity * 3L) {
      capacity <<= 1;
    }
    Object[] fresh = new Object[capacity];
    for (Object o : table) {
      if (o != null && o != TOMBSTONE) {
        place(fresh, (Rec) o);
      }
    }
    place(fresh, extra);
    tombstones = 0;
    table = fresh; // volatile: a reader that reads this table sees all of it
  }

  private static void place(Object[] t, Rec rec) {
    int mask = t.length - 1;
    int i = spread(rec.name().hashCode()) & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = rec;
  }

  /** Spreads a hash's high bits into the low ones that pick the slot (linear probing clusters). */
  private static int spread(int h) {
    int x = h * 0x9E3779B9; // Fibonacci hashing: golden ratio
    return x ^ (x >>> 16);
  }

  /** The versions held, in no order, walking the table as it is when an iteration begins. */
  Iterable<Rec> values() {
    return () -> new Walk(table);
  }

  /** An iteration over one table. */
  private static final class Walk implements Iterator<Rec> {
    private final Object[] t;
    private int i;
    private @Nullable Rec next;

    Walk(Object[] t) {
      this.t = t;
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
