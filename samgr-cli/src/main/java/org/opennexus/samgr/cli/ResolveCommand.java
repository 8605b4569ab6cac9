package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description = {
      "Print the current handle of a service: its endpoint and generation.",
      "Exit 3 (NotFound) if it is not registered."
    })
final class ResolveCommand extends RegistryCommand {

  @Override
  boolean readOnly() {
    return true; // it only looks: it never writes to the registry
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    out.handle("", samgr.resolve(name));
  }
}
