package org.opennexus.samgr.verification;

import org.opennexus.samgr.tck.DeliveryContract;
import org.opennexus.samgr.tck.ExpiryRaceContract;
import org.opennexus.samgr.tck.FullContract;

/**
 * The full TCK on the host backend, delivery rules and expiry races included, for PIT and JaCoCo
 * only (they need the tests in this module); a plain build skips it, since samgr-tests runs the
 * TCK on both paths.
 */
class TckHostTest implements FullContract, DeliveryContract, ExpiryRaceContract {
  @Override
  public String environment() {
    return "host";
  }
}
