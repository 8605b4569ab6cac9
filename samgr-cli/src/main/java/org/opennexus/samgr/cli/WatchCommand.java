package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Print the registry's events as they happen, until Ctrl-C: registered, restarted,"
          + " unregistered, expired.",
      "Starts with 'registered' for what is registered now. Without NAME: every service.",
      "With --json: one object per line, {event, name, endpoint, generation, at}."
    })
final class WatchCommand extends RegistryCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description = "watch only this name")
  @Nullable String name;

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context)
      throws SamgrError, InterruptedException {
    String only = name;
    try (Subscription subscription =
        only == null ? samgr.watchAll(out::event) : samgr.watch(only, out::event)) {
      context.lifetime().awaitStop();
    }
  }
}
