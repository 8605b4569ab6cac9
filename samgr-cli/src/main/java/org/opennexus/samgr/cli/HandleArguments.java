package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code NAME --generation G}: the fenced handle a command acts on (a picocli mixin of {@code
 * heartbeat} and {@code unregister}).
 */
final class HandleArguments {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Option(
      names = {"-g", "--generation"},
      paramLabel = "G",
      required = true,
      description = "the current generation ('samgr resolve NAME' shows it)")
  long generation;

  /** The handle of NAME at generation G; see {@link Handles#at}. */
  ServiceHandle on(ServiceManager samgr) throws SamgrError {
    return Handles.at(samgr, name, generation);
  }
}
