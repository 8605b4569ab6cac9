package org.opennexus.samgr.zookeeper;

import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;
import org.jspecify.annotations.Nullable;

/**
 * Curator's retry policy for this backend: an operation of the registry retries (connection loss,
 * operation timeout, session moved or expired) until its own deadline, set on its thread by {@link
 * #begin}; Curator's background work (the reads that feed the view) retries for a fixed time
 * instead.
 */
final class DeadlineRetry implements RetryPolicy {

  /** Per calling thread: {deadline in System.nanoTime(), 1 if a retry happened}. */
  private static final ThreadLocal<long @Nullable []> CALL = new ThreadLocal<>();

  /** Per calling thread: whether Curator retried during its last call. */
  private static final ThreadLocal<boolean[]> LAST_RETRIED =
      ThreadLocal.withInitial(() -> new boolean[1]);

  private final long backgroundMillis;

  DeadlineRetry(long backgroundMillis) {
    this.backgroundMillis = backgroundMillis;
  }

  /** Gives the calling thread's next Curator calls a deadline, until {@link #end}. */
  static void begin(long deadlineNanos) {
    CALL.set(new long[] {deadlineNanos, 0});
  }

  /** Whether Curator retried during this thread's last call (between begin and end). */
  static boolean retried() {
    return LAST_RETRIED.get()[0];
  }

  /** Ends the deadline of the calling thread's call and records whether it was retried. */
  static void end() {
    long[] call = CALL.get();
    LAST_RETRIED.get()[0] = call != null && call[1] != 0;
    CALL.remove();
  }

  @Override
  public boolean allowRetry(int retryCount, long elapsedTimeMs, RetrySleeper sleeper) {
    long sleep = Math.min(25L << Math.min(retryCount, 4), 250);
    long[] call = CALL.get();
    if (call == null) {
      if (elapsedTimeMs + sleep >= backgroundMillis) {
        return false;
      }
    } else {
      long remaining = TimeUnit.NANOSECONDS.toMillis(call[0] - System.nanoTime());
      if (remaining <= 0) {
        return false;
      }
      sleep = Math.min(sleep, remaining);
      call[1] = 1;
    }
    try {
      sleeper.sleepFor(sleep, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
