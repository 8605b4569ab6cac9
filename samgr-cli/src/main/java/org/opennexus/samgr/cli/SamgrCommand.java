package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: holds the context its subcommands use. */
@Command(
    name = "samgr",
    mixinStandardHelpOptions = true,
    versionProvider = SamgrCommand.Version.class,
    description = {
      "Drive a shared samgr registry from the shell: serve one, list, watch and change its services.",
      "The registry is the zookeeper backend at --connect (else SAMGR_ZOOKEEPER_CONNECT)."
    },
    subcommands = {
      ServeCommand.class,
      DashboardCommand.class,
      ListCommand.class,
      ResolveCommand.class,
      AwaitCommand.class,
      RegisterCommand.class,
      RestartCommand.class,
      UnregisterCommand.class,
      HeartbeatCommand.class,
      WatchCommand.class,
      SweepCommand.class,
      GenerateCompletion.class,
      HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:other failure: registry cannot be opened, server cannot start, I/O",
      "2:usage: bad option, argument or setting",
      "3:NotFound: the service is not registered",
      "4:Duplicate: the name is already registered",
      "5:StaleHandle: the generation is not the current one",
      "6:Unavailable: the registry's server could not be reached in time",
      "7:Denied: the server refused these credentials",
      "8:Unsupported: the backend cannot do this"
    })
final class SamgrCommand implements Runnable {

  private final CliContext context;

  @Spec @Nullable CommandSpec spec;

  SamgrCommand(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  @Override
  public void run() {
    CommandSpec self = Commands.required(spec);
    throw new ParameterException(self.commandLine(), "a command is required");
  }

  /** The version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SamgrCommand.class.getPackage().getImplementationVersion();
      return new String[] {"samgr " + (version == null ? "(development build)" : version)};
    }
  }
}
