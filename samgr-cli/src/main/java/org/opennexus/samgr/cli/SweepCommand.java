package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;

@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Announce every service whose liveness has run out (watchers get Expired) and print them.",
      "The services stay registered. With --json: a JSON array of handles."
    })
final class SweepCommand extends RegistryCommand {
  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    out.handles("expired", samgr.sweepExpired(), "no service expired");
  }
}
