package org.opennexus.samgr.tests;

import org.opennexus.samgr.tck.FullContract;

/** Runs the full contract suite against the {@code host} backend. */
class HostContractTest implements FullContract {
  @Override
  public String environment() {
    return "host";
  }
}
