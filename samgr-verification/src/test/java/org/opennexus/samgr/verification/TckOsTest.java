package org.opennexus.samgr.verification;

import org.opennexus.samgr.tck.UnsupportedContract;

/** The refuse-everything TCK on the os stub, for PIT and JaCoCo only (see {@link TckHostTest}). */
class TckOsTest implements UnsupportedContract {
  @Override
  public String environment() {
    return "os";
  }
}
