package org.opennexus.samgr.tck;

/**
 * The old names of two {@link SamgrAssertions} methods, kept while {@link DeliveryContract} still
 * calls them; not part of the TCK's API.
 */
final class Checks {

  private Checks() {}

  /** Same as {@link SamgrAssertions#assertMessageContains}. */
  static void assertMessageNames(Throwable e, String... parts) {
    SamgrAssertions.assertMessageContains(e, parts);
  }
}
