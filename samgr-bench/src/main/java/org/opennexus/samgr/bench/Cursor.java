package org.opennexus.samgr.bench;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A per-thread position in a benchmark's key array, starting at a random place. */
@State(Scope.Thread)
public class Cursor {

  private int index = ThreadLocalRandom.current().nextInt();

  /** Creates a cursor; JMH calls this once per benchmark thread. */
  public Cursor() {}

  /**
   * Returns the next position; mask it with the key array's length minus one.
   *
   * @return the next position
   */
  public int next() {
    return index++;
  }
}
