package org.opennexus.samgr.cli;

import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "unregister",
    mixinStandardHelpOptions = true,
    description = {
      "Remove a service; only its current generation may do it.",
      "Exit 3 (NotFound) if it is not registered, 5 (StaleHandle) if G is not current."
    })
final class UnregisterCommand extends RegistryCommand {
  @Mixin HandleArguments target = new HandleArguments();

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws SamgrError {
    ServiceHandle handle = target.on(samgr);
    samgr.unregister(handle);
    out.handle("unregistered", handle);
  }
}
