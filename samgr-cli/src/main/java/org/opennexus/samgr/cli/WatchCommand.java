package org.opennexus.samgr.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
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
      "With --json: one object per line, {event, name, endpoint, generation, at}.",
      "Also ends, with exit 0, at the first event it cannot print because its output was closed"
          + " (as in 'samgr watch --json | head -1')."
    })
final class WatchCommand extends RegistryCommand {

  @Override
  boolean readOnly() {
    return true; // it only looks: it never writes to the registry
  }

  /** How often the wait looks at the other of its two ends. */
  private static final long POLL_MILLIS = 100;

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
    CountDownLatch outputClosed = new CountDownLatch(1);
    Consumer<ServiceEvent> print =
        event -> {
          out.event(event);
          if (out.failed()) {
            outputClosed.countDown();
          }
        };
    ConnectionNotices notices = ConnectionNotices.start(samgr, err(), "watch");
    try (notices;
        Subscription subscription =
            only == null ? samgr.watchAll(print) : samgr.watch(only, print)) {
      // Until Ctrl-C, or until whatever reads the output has gone.
      // It waits in awaitStop, so that Ctrl-C ends it with exit 0 (see Lifetime.OfProcess).
      while (outputClosed.getCount() > 0
          && !context.lifetime().awaitStop(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        // both checked again
      }
    }
  }
}
