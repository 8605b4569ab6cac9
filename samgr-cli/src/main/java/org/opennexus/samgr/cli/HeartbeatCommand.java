package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "heartbeat",
    mixinStandardHelpOptions = true,
    description = {
      "Refresh the liveness of a service's current generation.",
      "Exit 3 (NotFound) if it is not registered, 5 (StaleHandle) if G is not current."
    })
final class HeartbeatCommand extends RegistryCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Option(
      names = {"-g", "--generation"},
      paramLabel = "G",
      required = true,
      description = "the current generation ('samgr resolve NAME' shows it)")
  long generation;

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    ServiceHandle handle = Handles.at(samgr, name, generation);
    samgr.heartbeat(handle);
    out.handle("heartbeat", handle);
  }
}
