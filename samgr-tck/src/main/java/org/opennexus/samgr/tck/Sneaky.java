package org.opennexus.samgr.tck;

/**
 * Throws any throwable without declaring it, as Kotlin, Groovy and Lombok's {@code @SneakyThrows}
 * do, so that a contract can check what a listener written in those styles does to delivery.
 */
final class Sneaky {

  private Sneaky() {}

  /** Throws {@code failure}, checked or not, from code that declares nothing. */
  static void raise(Throwable failure) {
    Sneaky.<RuntimeException>raiseAs(failure);
  }

  @SuppressWarnings("unchecked") // the erased cast is the point: nothing is checked at run time
  private static <E extends Throwable> void raiseAs(Throwable failure) throws E {
    throw (E) failure;
  }
}
