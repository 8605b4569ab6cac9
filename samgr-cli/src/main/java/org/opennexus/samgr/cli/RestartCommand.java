package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description = {
      "Give a service a new endpoint and a new, higher generation; print the new handle.",
      "With --if-generation: only if G is still the current generation (a compare-and-set),"
          + " else exit 5 (StaleHandle) and nothing changes.",
      "Exit 3 (NotFound) if the name is not registered."
    })
final class RestartCommand extends RegistryCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Parameters(index = "1", paramLabel = "ENDPOINT", description = "the new address")
  String endpoint = "";

  @Option(
      names = "--if-generation",
      paramLabel = "G",
      description = "restart only if this is the current generation")
  @Nullable Long ifGeneration;

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    Endpoint next = Endpoint.of(endpoint);
    Long expected = ifGeneration;
    ServiceHandle restarted =
        expected == null
            ? samgr.restart(name, next)
            : samgr.restart(Handles.at(samgr, name, expected), next);
    out.handle("restarted", restarted);
  }
}
