package org.opennexus.samgr.verification;

import org.opennexus.samgr.tck.FullContract;

/**
 * The full TCK on the host backend, delivery rules and expiry races included, for PIT and JaCoCo
 * only (they need the tests in this module); a plain build skips it, since samgr-tests runs the TCK
 * on both paths.
 */
class TckHostTest implements FullContract {
  @Override
  public String environment() {
    return "host";
  }
}
