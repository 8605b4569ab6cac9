package org.opennexus.samgr.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;

/**
 * A registry as a dashboard sees it, whose {@code liveness} can be held: while {@link #hold} is
 * set, a caller (the dashboard's stream thread, which calls it for every event it sends and for
 * every sample) waits until the latch counts down, so that events pile up behind it.
 */
final class GatedRegistry extends Delegating {
  /** The latch callers of {@code liveness} wait for; {@code null}: they do not wait. */
  static volatile @Nullable CountDownLatch hold;

  GatedRegistry(ServiceManager registry) {
    super(registry);
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    CountDownLatch latch = hold;
    if (latch != null) {
      try {
        if (!latch.await(1, TimeUnit.MINUTES)) {
          throw new AssertionError("the test never let the stream go on");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return super.liveness(name);
  }
}
