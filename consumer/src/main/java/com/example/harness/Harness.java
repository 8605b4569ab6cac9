package com.example.harness;

import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** Starts services the way a harness does: the first start registers, later ones restart. */
public final class Harness {
  private Harness() {}

  /**
   * Registers {@code name} at {@code address}, or restarts it there if it is registered.
   *
   * @param samgr the registry
   * @param name the service name
   * @param address the endpoint address
   * @return the handle of the started incarnation
   * @throws SamgrError if the registry refuses
   */
  public static ServiceHandle start(ServiceManager samgr, String name, String address)
      throws SamgrError {
    if (samgr.find(name).isPresent()) {
      return samgr.restart(name, Endpoint.of(address));
    }
    return samgr.register(name, Endpoint.of(address));
  }
}
