package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The view's open-addressing table: what a map promises (get, replace, remove, with exact results),
 * growth that keeps at most half its slots used, tombstones that neither break a probe chain nor
 * pile up under churn, and lock-free readers that see every version put before they looked while
 * one writer grows and changes the table.
 */
class RecTableTest {

  /** A version of {@code name}: {@code version} tells versions of one name apart. */
  private static Rec rec(String name, int version) {
    return new Rec(
        name,
        Rec.compact("tcp://h:" + version),
        1,
        version,
        version,
        1,
        0,
        Rec.NEVER,
        version,
        Rec.Shared.of(true, 1, 1, 0, 0, Rec.UNKNOWN_TIMEOUT));
  }

  private static @Nullable String nameOf(@Nullable Rec rec) {
    return rec == null ? null : rec.name();
  }

  private static @Nullable Integer versionOf(@Nullable Rec rec) {
    return rec == null ? null : rec.version();
  }

  /**
   * Names whose {@link String#hashCode} are all equal: "Aa" and "BB" hash alike, so every string of
   * {@code pairs} such pairs does too; they share one probe chain.
   */
  private static List<String> colliding(int pairs) {
    List<String> names = new ArrayList<>();
    for (int bits = 0; bits < 1 << pairs; bits++) {
      StringBuilder b = new StringBuilder();
      for (int p = 0; p < pairs; p++) {
        b.append((bits >> p & 1) == 0 ? "Aa" : "BB");
      }
      names.add(b.toString());
    }
    return names;
  }

  @Test
  void putGetReplaceRemove() {
    RecTable table = new RecTable();
    assertNull(table.get("a"));
    Rec a1 = rec("a", 1);
    assertNull(table.put(a1));
    assertSame(a1, table.get("a"));
    assertSame(a1, table.get(new String("a".toCharArray()))); // equal, not the same string
    Rec a2 = rec("a", 2);
    assertSame(a1, table.put(a2));
    assertSame(a2, table.get("a"));
    assertEquals(1, table.size());
    assertNull(table.remove("b"));
    assertSame(a2, table.remove("a"));
    assertNull(table.get("a"));
    assertNull(table.remove("a"));
    assertEquals(0, table.size());
    Rec a3 = rec("a", 3);
    assertNull(table.put(a3)); // a name removed and put again is new
    assertSame(a3, table.get("a"));
    assertEquals(1, table.size());
  }

  @Test
  void aRemovedNameInTheMiddleOfAProbeChainLeavesTheRestFindable() {
    RecTable table = new RecTable();
    List<String> names = colliding(4); // 16 names, one hash
    for (String name : names) {
      table.put(rec(name, 1));
    }
    for (int i = 0; i < names.size(); i += 2) {
      assertEquals(names.get(i), nameOf(table.remove(names.get(i))));
    }
    for (int i = 0; i < names.size(); i++) {
      Rec found = table.get(names.get(i));
      if (i % 2 == 0) {
        assertNull(found, names.get(i));
      } else {
        assertEquals(names.get(i), nameOf(found));
      }
    }
    assertEquals(8, table.size());
    Rec again = rec(names.get(0), 2);
    assertNull(table.put(again));
    assertSame(again, table.get(names.get(0)));
    Rec replaced = rec(names.get(15), 2);
    assertEquals(
        Integer.valueOf(1),
        versionOf(table.put(replaced))); // found past the tombstones, replaced in place
    assertSame(replaced, table.get(names.get(15)));
    assertEquals(9, table.size());
  }

  @Test
  void theTableGrowsToKeepAtMostHalfItsSlotsUsed() {
    RecTable table = new RecTable();
    assertEquals(16, table.capacity());
    for (int i = 0; i < 100_000; i++) {
      table.put(rec("svc-" + i, 1));
      assertTrue(table.size() * 2 <= table.capacity(), "size " + table.size());
    }
    assertEquals(100_000, table.size());
    assertEquals(1 << 18, table.capacity()); // 100,000 * 8 / 3 rounded up to a power of two
    for (int i = 0; i < 100_000; i++) {
      assertEquals("svc-" + i, nameOf(table.get("svc-" + i)));
    }
    assertNull(table.get("svc-100000"));
    table.clear();
    assertEquals(0, table.size());
    assertNull(table.get("svc-1"));
    assertEquals(16, table.capacity());
  }

  /**
   * Names that come and go leave tombstones; a rebuild clears them. It leaves at most three eighths
   * of the slots used, so 101 names (100 kept and one coming) take 512 slots, and the table stays
   * that size however long the churn goes on.
   */
  @Test
  void churnDoesNotGrowTheTable() {
    RecTable table = new RecTable();
    for (int i = 0; i < 100; i++) {
      table.put(rec("kept-" + i, 1));
    }
    assertEquals(256, table.capacity());
    for (int round = 0; round < 100_000; round++) {
      String name = "churn-" + round;
      assertNull(table.put(rec(name, 1)));
      assertEquals(name, nameOf(table.remove(name)));
      assertTrue(table.capacity() <= 512, "capacity " + table.capacity() + " at round " + round);
    }
    assertEquals(512, table.capacity());
    // Each rebuild clears the tombstones: the next comes once 156 more fill half the 512 slots
    // with the 101 names (641 rebuilds in 100,000 rounds), not at the next put.
    assertTrue(table.rebuilds() <= 1_000, "rebuilt " + table.rebuilds() + " times");
    assertEquals(100, table.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("kept-" + i, nameOf(table.get("kept-" + i)));
    }
  }

  /**
   * 16,384 names of one hash (built from "Aa" and "BB"): the table holds at most {@value
   * RecTable#MAX_PROBES} of them near their common place, the rest go to the overflow, and every
   * name, colliding or not, is found, replaced, removed and walked exactly as in a table without
   * collisions. (Without the bound, each put and each rebuild walked every colliding name: about
   * 10^9 probes here, with the view's lock held.)
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void namesBuiltToCollideGoToTheOverflow() {
    RecTable table = new RecTable();
    List<String> colliding = colliding(14);
    for (String name : colliding) {
      assertNull(table.put(rec(name, 1)));
    }
    for (int i = 0; i < 1000; i++) {
      assertNull(table.put(rec("svc-" + i, 1)));
    }
    assertEquals(colliding.size() + 1000, table.size());
    assertTrue(
        table.overflowed() >= colliding.size() - RecTable.MAX_PROBES,
        "overflowed " + table.overflowed());
    for (String name : colliding) {
      assertEquals(name, nameOf(table.get(name)));
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals("svc-" + i, nameOf(table.get("svc-" + i)));
    }
    String first = colliding.get(0);
    String last = colliding.get(colliding.size() - 1);
    assertEquals(Integer.valueOf(1), versionOf(table.put(rec(first, 2))));
    assertEquals(Integer.valueOf(1), versionOf(table.put(rec(last, 2))));
    assertEquals(Integer.valueOf(2), versionOf(table.get(first)));
    assertEquals(Integer.valueOf(2), versionOf(table.get(last)));
    assertEquals(Integer.valueOf(2), versionOf(table.remove(last)));
    assertNull(table.get(last));
    assertEquals(colliding.size() + 999, table.size());
    Set<String> walked = new HashSet<>();
    for (Rec rec : table.values()) {
      assertTrue(walked.add(rec.name()), "walked twice: " + rec.name());
    }
    assertEquals(colliding.size() + 999, walked.size());
    table.clear();
    assertEquals(0, table.overflowed());
    assertNull(table.get(first));
  }

  @Test
  void iterationYieldsEachNameOnce() {
    RecTable table = new RecTable();
    Set<String> expected = new HashSet<>(colliding(3));
    for (int i = 0; i < 1000; i++) {
      expected.add("svc-" + i);
    }
    for (String name : expected) {
      table.put(rec(name, 1));
    }
    table.remove("svc-7");
    expected.remove("svc-7");
    List<String> seen = new ArrayList<>();
    for (Rec rec : table.values()) {
      seen.add(rec.name());
    }
    assertEquals(expected.size(), seen.size());
    assertEquals(expected, new HashSet<>(seen));
    Iterator<Rec> empty = new RecTable().values().iterator();
    assertFalse(empty.hasNext());
    assertThrows(NoSuchElementException.class, empty::next);
  }

  /**
   * One writer removes names and puts them back, over and over (tombstones, and rebuilds that clear
   * them), while readers look up names that stay put throughout: each is found every time, and a
   * walk yields each of them once.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readersFindNamesThatStayWhileOthersComeAndGo() throws Exception {
    RecTable table = new RecTable();
    int stay = 2_000;
    for (int i = 0; i < stay; i++) {
      table.put(rec("stay-" + i, 1));
    }
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int seed = r;
      readers.add(
          new Thread(
              () -> {
                int step = 0;
                while (!done.get() && failures.isEmpty()) {
                  String name = "stay-" + (step++ * 31 + seed) % stay;
                  Rec found = table.get(name);
                  if (found == null || !found.name().equals(name)) {
                    failures.add(name + " not found while others came and went");
                  }
                  if (seed == 1 && step % 5_000 == 0) {
                    Set<String> walked = new HashSet<>();
                    for (Rec rec : table.values()) {
                      if (rec.name().startsWith("stay-") && !walked.add(rec.name())) {
                        failures.add("the walk yielded " + rec.name() + " twice");
                      }
                    }
                    if (walked.size() != stay) {
                      failures.add("the walk yielded " + walked.size() + " of " + stay);
                    }
                  }
                }
              }));
    }
    readers.forEach(Thread::start);
    int rebuildsBefore = table.rebuilds();
    for (int round = 0; round < 300_000; round++) {
      String name = "churn-" + round % 5_000;
      if (table.get(name) == null) {
        table.put(rec(name, 1));
      } else {
        table.remove(name);
      }
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertEquals(List.of(), List.copyOf(failures));
    assertTrue(table.rebuilds() > rebuildsBefore, "no rebuild happened under the churn");
  }

  /**
   * 2,048 names of one hash, most of them in the overflow, while a writer puts 100,000 others (the
   * table rebuilt as it grows, placing the colliding names anew: some move to the overflow):
   * readers find every colliding name every time, whichever table they probe.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readersFindCollidingNamesWhileTheTableIsRebuilt() throws Exception {
    RecTable table = new RecTable();
    List<String> colliding = colliding(11);
    for (String name : colliding) {
      table.put(rec(name, 1));
    }
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Thread reader =
        new Thread(
            () -> {
              int step = 0;
              while (!done.get() && failures.isEmpty()) {
                String name = colliding.get(step++ % colliding.size());
                if (!name.equals(nameOf(table.get(name)))) {
                  failures.add(name + " not found during a rebuild");
                }
              }
            });
    reader.start();
    int rebuildsBefore = table.rebuilds();
    for (int i = 0; i < 100_000; i++) {
      table.put(rec("svc-" + i, 1));
    }
    done.set(true);
    reader.join();
    assertEquals(List.of(), List.copyOf(failures));
    assertTrue(table.rebuilds() > rebuildsBefore + 5, "rebuilt " + table.rebuilds() + " times");
    assertEquals(colliding.size() + 100_000, table.size());
  }

  /**
   * One writer puts 200,000 names (the table rebuilt as it grows) and a newer version of some names
   * meanwhile, while readers look up names already put and walk the table: a reader finds every
   * name whose put ended before it looked, never a version older than one it saw before, and a walk
   * yields every name put before it began, each once.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readersSeeEveryPutWhileTheTableGrows() throws Exception {
    int names = 200_000;
    RecTable table = new RecTable();
    AtomicInteger published = new AtomicInteger(); // names 0 .. published-1 were put
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int seed = r;
      readers.add(
          new Thread(
              () -> {
                Map<Integer, Integer> lastSeen = new HashMap<>();
                try {
                  start.await();
                  int step = 0;
                  while (!done.get() && failures.isEmpty()) {
                    int upTo = published.get();
                    if (upTo == 0) {
                      continue;
                    }
                    int i = (int) ((step++ * 7919L + seed * 104729L) % upTo);
                    Rec found = table.get("svc-" + i);
                    if (found == null) {
                      failures.add("svc-" + i + " missing after its put");
                    } else {
                      Integer before = lastSeen.put(i, found.version());
                      if (before != null && found.version() < before) {
                        failures.add("svc-" + i + " went back to version " + found.version());
                      }
                    }
                    if (seed == 1 && step % 20_000 == 0) {
                      int walkFrom = published.get();
                      Set<String> walked = new HashSet<>();
                      for (Rec rec : table.values()) {
                        if (!walked.add(rec.name())) {
                          failures.add("the walk yielded " + rec.name() + " twice");
                        }
                      }
                      for (int n = 0; n < walkFrom; n++) {
                        if (!walked.contains("svc-" + n)) {
                          failures.add("the walk missed svc-" + n);
                          break;
                        }
                      }
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    readers.forEach(Thread::start);
    start.countDown();
    for (int i = 0; i < names; i++) {
      table.put(rec("svc-" + i, 1));
      published.set(i + 1);
      if (i % 3 == 0) {
        table.put(rec("svc-" + i / 2, 2 + i)); // a newer version of an earlier name
      }
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertEquals(List.of(), List.copyOf(failures));
    assertEquals(names, table.size());
  }
}
