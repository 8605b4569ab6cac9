package org.opennexus.samgr.tests;

import org.opennexus.samgr.tck.FullContract;

/** Runs the full contract suite, delivery rules and expiry races included, against {@code host}. */
class HostContractTest implements FullContract {
  @Override
  public String environment() {
    return "host";
  }
}
