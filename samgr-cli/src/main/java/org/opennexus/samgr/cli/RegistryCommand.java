package org.opennexus.samgr.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that opens the registry, does one thing with it, and closes it. */
abstract class RegistryCommand implements Callable<Integer> {

  @Spec @Nullable CommandSpec spec;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Option(
      names = "--json",
      description = "Print JSON for scripts (one object per line where a command streams).")
  boolean json;

  @Override
  public final Integer call() throws SamgrError, InterruptedException {
    CliContext context = Commands.context(spec);
    Printer out =
        new Printer(Commands.required(spec).commandLine().getOut(), json, context.clock());
    try (ServiceManager samgr = open(context)) {
      run(samgr, out, context);
    } finally {
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** Opens the registry; a failure to open says where the connect string comes from. */
  private ServiceManager open(CliContext context) {
    try {
      RegistryFactory registries = context.registries();
      return readOnly()
          ? registries.openReadOnly(registry.connect, registry.namespace)
          : registries.open(registry.connect, registry.namespace);
    } catch (IllegalStateException e) {
      // Samgr.open wraps the backend's failure as "backend X (class) failed to open: its
      // exception"; the backend's own message says what happened, without class names.
      String message = e.getMessage();
      if (e.getCause() instanceof RuntimeException reason && reason.getMessage() != null) {
        message = reason.getMessage();
      }
      // A down server is Unavailable, whose hint says what to check.
      String hint = Outcome.of(e).hint() == null ? OPEN_HINT : "";
      throw new IllegalStateException(message + hint, e);
    }
  }

  /** What to check when the registry cannot be opened. */
  static final String OPEN_HINT =
      " (check --connect or SAMGR_ZOOKEEPER_CONNECT; 'samgr serve' starts one)";

  /** The command's standard error, for notices beside its output. */
  final java.io.PrintWriter err() {
    return Commands.required(spec).commandLine().getErr();
  }

  /** Whether the command only looks: then it opens a registry that never writes. */
  boolean readOnly() {
    return false;
  }

  /** Does the command's work; a {@link SamgrError} becomes its exit code. */
  abstract void run(ServiceManager samgr, Printer out, CliContext context)
      throws SamgrError, InterruptedException;
}
