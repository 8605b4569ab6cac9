package org.opennexus.samgr.tests;

import org.opennexus.samgr.tck.UnsupportedContract;

/** Runs the refuse-everything contract suite against the {@code os} stub. */
class OsContractTest implements UnsupportedContract {
  @Override
  public String environment() {
    return "os";
  }
}
