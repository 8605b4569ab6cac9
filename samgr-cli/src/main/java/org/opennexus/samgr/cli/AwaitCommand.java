package org.opennexus.samgr.cli;

import java.time.Duration;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "await",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until a service is registered (at once if it is), then print its handle.",
      "Exit 3 (NotFound) when the timeout passes first."
    })
final class AwaitCommand extends RegistryCommand {

  @Override
  boolean readOnly() {
    return true; // it only looks: it never writes to the registry
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "the service name")
  String name = "";

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = Commands.DurationConverter.class,
      description = "How long to wait: 10s, 500ms, 2m, PT1M (default: ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofSeconds(30);

  /** The longest --timeout: far beyond any use, far below what overflows a count of nanos. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(365);

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context)
      throws SamgrError, InterruptedException {
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "--timeout " + timeout + " is too long: at most " + MAX_TIMEOUT.toDays() + " days");
    }
    ConnectionNotices notices = ConnectionNotices.start(samgr, err(), "await");
    try (notices) {
      out.handle("", samgr.await(name, timeout));
    }
  }
}
