package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root command: holds the context its subcommands use. Its exit-code list comes from {@link
 * Outcome} (set in {@link SamgrCli#commandLine}).
 */
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
