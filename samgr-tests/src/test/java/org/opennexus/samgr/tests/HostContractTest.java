package org.opennexus.samgr.tests;

import org.opennexus.samgr.tck.DeliveryContract;
import org.opennexus.samgr.tck.ExpiryRaceContract;
import org.opennexus.samgr.tck.FullContract;

/** Runs the full contract suite, delivery rules and expiry races included, against {@code host}. */
class HostContractTest implements FullContract, DeliveryContract, ExpiryRaceContract {
  @Override
  public String environment() {
    return "host";
  }
}
