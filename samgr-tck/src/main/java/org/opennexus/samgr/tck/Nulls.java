package org.opennexus.samgr.tck;

import java.time.Duration;
import java.util.function.Consumer;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/** Nulls for the argument checks, typed so NullAway lets them through; not part of the API. */
@SuppressWarnings("NullAway")
final class Nulls {

  private Nulls() {}

  static String nullString() {
    return null;
  }

  static ServiceHandle nullHandle() {
    return null;
  }

  static Endpoint nullEndpoint() {
    return null;
  }

  static Duration nullDuration() {
    return null;
  }

  static Consumer<ServiceEvent> nullListener() {
    return null;
  }
}
