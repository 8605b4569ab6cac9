package org.opennexus.samgr.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code samgr} command: {@code samgr --help} lists the subcommands, {@code samgr help COMMAND}
 * or {@code samgr COMMAND --help} explains one. Exit codes are in {@link ExitCodes}.
 *
 * <p>Output is UTF-8 whatever the locale. Errors go to standard error as one line naming the
 * command, what failed and what to do; results go to standard output, for people by default and as
 * JSON with {@code --json}.
 */
public final class SamgrCli {

  /** How long a shutdown (Ctrl-C, SIGTERM) waits for a command to clean up before exiting. */
  static final Duration CLEANUP_BOUND = Duration.ofSeconds(10);

  private SamgrCli() {}

  /**
   * Runs {@code samgr} with these arguments and exits the JVM with the command's exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    CommandLineText.useUtf8Output();
    String[] arguments = CommandLineText.arguments(args);
    Lifetime.OfProcess lifetime = new Lifetime.OfProcess(CLEANUP_BOUND).install();
    CliContext context =
        new CliContext(RegistryFactory.zookeeper(), InstantSource.system(), lifetime);
    CommandLine cli = commandLine(context);
    // Standard output is the commands' own (picocli's writer holds it): anything else a library
    // prints there (ZooKeeper's purge of old snapshots on serve) goes to standard error, so that
    // serve --json stays JSON.
    System.setOut(System.err);
    int code = cli.execute(arguments);
    lifetime.finish(code);
    System.exit(code);
  }

  /** The command line over {@code context}, with samgr's error handling and exit codes. */
  static CommandLine commandLine(CliContext context) {
    CommandLine cli = new CommandLine(new SamgrCommand(context));
    // Straight over System.out, so that checkError() sees a closed pipe (picocli's own writer
    // wraps System.out in a writer of its own, which hides the stream's errors). UTF-8 whatever
    // the locale (CommandLineText), so that every name prints as it is.
    cli.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler(
        (error, command, parseResult) -> {
          PrintWriter err = command.getErr();
          err.println(prefix(command) + describe(error));
          err.flush();
          return exitCode(error);
        });
    cli.setParameterExceptionHandler(SamgrCli::usageError);
    cli.setUsageHelpAutoWidth(true);
    cli.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(Outcome.helpList());
    return cli;
  }

  private static int usageError(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    String path = command.getCommandSpec().qualifiedName();
    err.println(prefix(command) + error.getMessage() + " (see '" + path + " --help')");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static String prefix(CommandLine command) {
    return command.getCommandSpec().qualifiedName() + ": ";
  }

  /** The service name a registry outcome is about, if any. */
  private static @Nullable String nameOf(Exception error) {
    if (error instanceof SamgrError.NotFound e) {
      return e.name();
    } else if (error instanceof SamgrError.Duplicate e) {
      return e.name();
    } else if (error instanceof SamgrError.StaleHandle e) {
      return e.handle().name();
    }
    return null;
  }

  static int exitCode(Exception error) {
    return Outcome.of(error).code();
  }

  /**
   * One line: the error's own message, and for registry outcomes what to try next. Never the name
   * of a Java class: a failure without a message says what kind of failure it is in words.
   */
  static String describe(Exception error) {
    if (Outcome.of(error) == Outcome.INTERRUPTED) {
      return "interrupted (Ctrl-C or SIGTERM)";
    }
    String message = error.getMessage();
    if (message == null || message.isBlank()) {
      message = "failed without a message (" + Outcome.of(error).helpText() + ")";
    }
    message = message.replace('\n', ' ');
    String name = nameOf(error);
    if (name != null && !Quoting.isPlain(name)) {
      // The error quotes the name as 'NAME'; a name with quotes or spaces must not forge the rest.
      message = message.replace("'" + name + "'", Quoting.quote(name));
    }
    String hint = Outcome.of(error).hint();
    if (answered(error)) {
      hint = null; // the server answered: the message names what happened and the remedy
    }
    return hint == null ? message : message + " (" + hint + ")";
  }

  /** Whether the error is an {@code Unavailable} for an answer, not for a server out of reach. */
  private static boolean answered(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SamgrError.Unavailable u) {
        return !u.reason()
                .equals(new SamgrError.Unavailable(u.operation(), u.environment()).reason())
            && !(u.getCause() instanceof InterruptedException);
      }
    }
    return false;
  }
}
