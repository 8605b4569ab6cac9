package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code samgr serve}'s directories: one server per {@code --data} directory (a second one refuses
 * at once, naming the holder; a SIGKILL frees it), data that cannot be used or loaded fails the
 * start at once with the reason, and the temporary directory of a killed server is deleted by the
 * next one.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ServeDirectoriesTest {

  private static final String NL = System.lineSeparator();

  private final Cli cli = new Cli();

  @TempDir Path temp;

  @AfterEach
  void close() {
    cli.close();
  }

  @Test
  void aSecondServerOnTheSameDataDirectoryRefusesAtOnceNamingTheHolder() throws Exception {
    Path data = temp.resolve("data");
    Path dir = data.toAbsolutePath();
    Process holder =
        ServeProcessTest.samgr("serve", "--port", "0", "--data", data.toString(), "--json")
            .redirectError(temp.resolve("holder.err").toFile())
            .start();
    try {
      String connect =
          ServeCommandTest.text(
              ServeCommandTest.startupLine(ServeProcessTest.firstLine(holder)), "connect");
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        client.create("/before", "kept");
      }

      Cli.Result second =
          ServeProcessTest.run(
              ServeProcessTest.samgr("serve", "--port", "0", "--data", data.toString()));
      assertEquals(
          new Cli.Result(
              ExitCodes.FAILURE,
              "",
              "samgr serve: data directory "
                  + dir
                  + " is in use by another ZooKeeper server (process "
                  + holder.pid()
                  + ", ZooKeeper at "
                  + connect
                  + "; lock file "
                  + dir.resolve("samgr-server.lock")
                  + "): stop it or use another directory"
                  + NL),
          second);
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        assertEquals("kept", client.read("/before"), "the holder serves on, untouched");
      }
    } finally {
      holder.destroyForcibly(); // SIGKILL: no chance to release anything itself
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the killed server did not exit");
    }

    // The operating system dropped the dead holder's lock: the next server starts there.
    Process next =
        ServeProcessTest.samgr("serve", "--port", "0", "--data", data.toString(), "--json")
            .redirectError(temp.resolve("next.err").toFile())
            .start();
    try {
      String connect =
          ServeCommandTest.text(
              ServeCommandTest.startupLine(ServeProcessTest.firstLine(next)), "connect");
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        assertEquals("kept", client.read("/before"));
      }
    } finally {
      assertEquals(0, ServeProcessTest.terminate(next));
    }
  }

  @Test
  void aFileAsDataDirectoryIsRefusedWithTheReasonAndLeftAsItIs() throws Exception {
    Path file = Files.writeString(temp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
    assertEquals(
        new Cli.Result(
            ExitCodes.FAILURE,
            "",
            "samgr serve: data directory " + file.toAbsolutePath() + " is not a directory" + NL),
        cli.run("serve", "--port", "0", "--data", file.toString()));
    assertEquals("root:x:0:0::/root:/bin/sh\n", Files.readString(file));
  }

  @Test
  void anUnwritableDataDirectoryIsRefusedWithTheReason() {
    // Linux's /sys takes no new files, not even from root (whom permission bits do not stop).
    assertEquals(
        new Cli.Result(
            ExitCodes.FAILURE,
            "",
            "samgr serve: cannot use data directory /sys: permission denied"
                + " (/sys/samgr-server.lock)"
                + NL),
        cli.run("serve", "--port", "0", "--data", "/sys"));
  }

  @Test
  void aCorruptSnapshotFailsTheStartAtOnceWithZooKeepersReason() throws Exception {
    Path data = dataWithANode();
    for (Path snapshot : files(data, "snapshot.")) {
      overwrite(snapshot, 40); // a length in the ACL cache: "Unreasonable length"
    }
    Path dir = data.toAbsolutePath();
    assertEquals(
        new Cli.Result(
            ExitCodes.FAILURE,
            "",
            "samgr serve: ZooKeeper cannot load the data in "
                + dir
                + ": Not able to find valid snapshots in "
                + dir.resolve("version-2")
                + NL),
        cli.run("serve", "--port", "0", "--data", data.toString()));
  }

  @Test
  void aCorruptLogFailsTheStartAtOnceWithZooKeepersReason() throws Exception {
    Path data = dataWithANode();
    for (Path log : files(data, "log.")) {
      overwrite(log, 30); // inside the first transaction, after its checksum and length
    }
    assertEquals(
        new Cli.Result(
            ExitCodes.FAILURE,
            "",
            "samgr serve: ZooKeeper cannot load the data in "
                + data.toAbsolutePath()
                + ": CRC check failed"
                + NL),
        cli.run("serve", "--port", "0", "--data", data.toString()));
  }

  @Test
  void theTemporaryDirectoryOfAKilledServerIsDeletedByTheNextServer() throws Exception {
    Process killed =
        ServeProcessTest.samgr("serve", "--port", "0", "--json")
            .redirectError(temp.resolve("killed.err").toFile())
            .start();
    Path run;
    try {
      Path data =
          Path.of(
              ServeCommandTest.text(
                  ServeCommandTest.startupLine(ServeProcessTest.firstLine(killed)), "data"));
      run = java.util.Objects.requireNonNull(data.getParent(), data.toString());
      assertTrue(
          run.getFileName().toString().startsWith("samgr-zookeeper-run-"),
          "the data is not in a run directory of its own: " + data);
    } finally {
      killed.destroyForcibly(); // SIGKILL: it cannot delete its directory
      assertTrue(killed.waitFor(30, TimeUnit.SECONDS), "the killed server did not exit");
    }
    assertTrue(Files.isDirectory(run), "expected the killed server's " + run + " to be left");

    Cli.Running next = cli.start("serve", "--port", "0", "--json");
    Path nextData =
        Path.of(
            ServeCommandTest.text(
                ServeCommandTest.startupLine(next.awaitOutput("connect")), "data"));
    assertFalse(Files.exists(run), run + " of the killed server is still there");
    assertTrue(Files.isDirectory(nextData), nextData.toString());
    assertEquals(0, next.stop().code());
    Path nextRun = java.util.Objects.requireNonNull(nextData.getParent(), nextData.toString());
    assertFalse(Files.exists(nextRun), nextRun + " left behind");
  }

  /** A data directory a stopped server left, holding one node. */
  private Path dataWithANode() throws Exception {
    Path data = temp.resolve("zk");
    Cli.Running serve = cli.start("serve", "--port", "0", "--data", data.toString(), "--json");
    String connect =
        ServeCommandTest.text(
            ServeCommandTest.startupLine(serve.awaitOutput("connect")), "connect");
    try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
      client.create("/node", "value");
    }
    assertEquals(0, serve.stop().code());
    return data;
  }

  private static List<Path> files(Path data, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(data.resolve("version-2"))) {
      List<Path> found =
          files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
      assertFalse(found.isEmpty(), "no " + prefix + "* in " + data);
      return found;
    }
  }

  /** Overwrites 8 bytes at {@code offset} with a huge length and garbage. */
  private static void overwrite(Path file, long offset) throws IOException {
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.seek(offset);
      raw.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4});
    }
  }
}
