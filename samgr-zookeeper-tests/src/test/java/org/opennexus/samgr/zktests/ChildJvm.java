package org.opennexus.samgr.zktests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by a test: its standard output is read line by line into a queue, its
 * standard error goes to a file shown when an expectation fails, and its standard input takes
 * commands. {@link #close()} kills it if it still runs.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path stderr;
  private final PrintWriter commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>(); // guarded by itself

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the child's output failed: " + e + ")");
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** The {@code java} launcher of the running JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code java <arguments>}. */
  static ChildJvm start(List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(arguments);
    Path stderr = Files.createTempFile("samgr-child-", ".err");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    return new ChildJvm(process, stderr);
  }

  /** Starts {@code mainClass} from the test class path with {@code args}. */
  static ChildJvm startOnTestClassPath(Class<?> mainClass, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> arguments = new ArrayList<>(jvmOptions);
    arguments.add("-Xshare:off");
    arguments.add("-cp");
    arguments.add(System.getProperty("java.class.path"));
    arguments.add(mainClass.getName());
    arguments.addAll(List.of(args));
    return start(arguments);
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /** Sends one command line to the child's standard input. */
  void send(String command) {
    commands.println(command);
  }

  /**
   * Returns the next output line that starts with {@code prefix}, skipping others.
   *
   * @throws AssertionError with everything the child printed if none comes within {@code timeout}
   */
  String expectLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "no line starting with '"
                + prefix
                + "' from the child within "
                + timeout
                + "; alive="
                + process.isAlive()
                + "; it printed "
                + seen()
                + "; stderr: "
                + stderrText());
      }
      synchronized (seen) {
        seen.add(line);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits for the child to exit by itself and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "the child did not exit within "
              + timeout
              + "; it printed "
              + seen()
              + "; stderr: "
              + stderrText());
    }
    return process.exitValue();
  }

  /** Everything printed and read so far, then whatever is still queued. */
  List<String> seen() {
    synchronized (seen) {
      List<String> all = new ArrayList<>(seen);
      all.addAll(lines);
      return all;
    }
  }

  /** Kills the child with SIGKILL ({@link Process#destroyForcibly()}) and waits for its end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the child survived SIGKILL for 30 s");
    }
  }

  String stderrText() {
    try {
      String text = Files.readString(stderr, StandardCharsets.UTF_8);
      return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    if (process.isAlive()) {
      kill();
    }
    Files.deleteIfExists(stderr);
  }
}
