package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "heartbeat",
    mixinStandardHelpOptions = true,
    description = {
      "Refresh the liveness of a service's current generation.",
      "Exit 3 (NotFound) if it is not registered, 5 (StaleHandle) if G is not current."
    })
final class HeartbeatCommand extends RegistryCommand {
  @Mixin HandleArguments target = new HandleArguments();

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    ServiceHandle handle = target.on(samgr);
    samgr.heartbeat(handle);
    out.handle("heartbeat", handle);
  }
}
