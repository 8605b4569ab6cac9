package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine;

/** Runs {@code samgr} in-process against a host registry with a manual clock. */
final class Cli implements AutoCloseable {

  static final Instant START = Instant.parse("2026-11-27T12:00:00Z");
  static final Duration LIVENESS = Duration.ofSeconds(30);

  final ManualClock clock = ManualClock.at(START);

  /** The commands' clock (relative times, event stamps); the registry's clock by default. */
  InstantSource displayClock = clock;

  final ServiceManager registry =
      Samgr.builder().environment("host").clock(clock).livenessTimeout(LIVENESS).open();
  final Delegating view = new Delegating(registry);
  final CountDownLatch stop = new CountDownLatch(1);

  /** The {@code --connect} and {@code --namespace} each open received. */
  final List<List<@Nullable String>> opened = Collections.synchronizedList(new ArrayList<>());

  RegistryFactory factory =
      (connect, namespace) -> {
        opened.add(java.util.Arrays.asList(connect, namespace));
        return view;
      };

  /** What a run printed and returned. */
  record Result(int code, String out, String err) {}

  /** Runs one command line to its end (bounded: a hang fails the test). */
  Result run(String... args) {
    return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> runBlocking(args));
  }

  private Result runBlocking(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = execute(out, err, args);
    return new Result(code, out.toString(), err.toString());
  }

  private int execute(StringWriter out, StringWriter err, String... args) {
    CommandLine cli =
        SamgrCli.commandLine(new CliContext(factory, displayClock, Lifetime.until(stop)));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /**
   * Starts a command whose standard output is {@code out} (errors are dropped); returns its exit
   * code when it ends.
   */
  CompletableFuture<Integer> startWritingTo(Writer out, String... args) {
    return CompletableFuture.supplyAsync(
        () -> {
          CommandLine cli =
              SamgrCli.commandLine(new CliContext(factory, displayClock, Lifetime.until(stop)));
          cli.setOut(new PrintWriter(out, true));
          cli.setErr(new PrintWriter(new StringWriter(), true));
          return cli.execute(args);
        },
        Executors.newSingleThreadExecutor());
  }

  /** Starts a command that runs until {@link Running#stop()} (watch, serve, dashboard). */
  Running start(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () -> execute(out, err, args), Executors.newSingleThreadExecutor());
    return new Running(out, err, code);
  }

  /** A command running on its own thread. */
  final class Running {
    private final StringWriter out;
    private final StringWriter err;
    private final CompletableFuture<Integer> code;

    Running(StringWriter out, StringWriter err, CompletableFuture<Integer> code) {
      this.out = out;
      this.err = err;
      this.code = code;
    }

    /** Waits (at most 30 s) until standard output contains {@code text}; returns all of it. */
    String awaitOutput(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!out.toString().contains(text)) {
        if (code.isDone() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "no '"
                  + text
                  + "' in the output: "
                  + out
                  + " / errors: "
                  + err
                  + " / done: "
                  + code.isDone());
        }
        Thread.sleep(10);
      }
      return out.toString();
    }

    /** Waits (at most 30 s) until standard error contains {@code text}; returns all of it. */
    String awaitErrors(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!err.toString().contains(text)) {
        if (code.isDone() || System.nanoTime() > deadline) {
          throw new AssertionError("no '" + text + "' in the errors: " + err + " / output: " + out);
        }
        Thread.sleep(10);
      }
      return err.toString();
    }

    /** Ends the command as Ctrl-C would and returns what it printed (bounded: 30 s). */
    Result stop() throws Exception {
      Cli.this.stop.countDown();
      int exit = code.get(30, TimeUnit.SECONDS);
      return new Result(exit, out.toString(), err.toString());
    }
  }

  @Override
  public void close() {
    registry.close();
  }
}
