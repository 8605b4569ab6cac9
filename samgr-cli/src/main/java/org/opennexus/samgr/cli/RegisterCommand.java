package org.opennexus.samgr.cli;

import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = {
      "Register a service at an endpoint and print its handle (with its new generation).",
      "Exit 4 (Duplicate) if the name is registered."
    })
final class RegisterCommand extends RegistryCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Parameters(
      index = "1",
      paramLabel = "ENDPOINT",
      description = "its address, e.g. tcp://host:port")
  String endpoint = "";

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    out.handle("registered", samgr.register(name, Endpoint.of(endpoint)));
  }
}
