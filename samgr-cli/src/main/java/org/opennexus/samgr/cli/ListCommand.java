package org.opennexus.samgr.cli;

import java.util.ArrayList;
import java.util.List;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List every service: name, endpoint, generation, alive or expired, time since its last"
          + " heartbeat.",
      "With --json: a JSON array of {name, endpoint, generation, alive, lastHeartbeat}."
    })
final class ListCommand extends RegistryCommand {

  @Override
  boolean readOnly() {
    return true; // it only looks: it never writes to the registry
  }

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    List<Liveness> rows = new ArrayList<>();
    for (ServiceHandle service : samgr.services()) {
      try {
        rows.add(samgr.liveness(service.name()));
      } catch (SamgrError.NotFound goneMeanwhile) {
        // unregistered between the two reads: it is no longer in the list
      }
    }
    out.services(rows);
  }
}
