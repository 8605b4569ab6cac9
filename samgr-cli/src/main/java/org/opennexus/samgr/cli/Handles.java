package org.opennexus.samgr.cli;

import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** Handles named on the command line by name and generation. */
final class Handles {

  private Handles() {}

  /**
   * The handle of {@code name} at generation {@code generation}, for a fenced operation: the
   * registry then accepts it only if that generation is still the current one ({@code StaleHandle}
   * otherwise). A generation below 1 is bad input ({@code IllegalArgumentException}).
   */
  static ServiceHandle at(ServiceManager samgr, String name, long generation) throws SamgrError {
    Generation wanted = new Generation(generation);
    ServiceHandle current = samgr.resolve(name);
    return new ServiceHandle(name, current.endpoint(), wanted);
  }
}
