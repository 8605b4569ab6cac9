package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary directory of one running {@link EmbeddedZooKeeper}: {@code
 * samgr-zookeeper-run-<random>} in {@code java.io.tmpdir}, holding the server's configuration and,
 * without a data directory of the caller's, its data. It is locked ({@link DirectoryLock}) for the
 * server's life and deleted when the server closes. A process killed with SIGKILL cannot delete it,
 * so each new one first sweeps: it deletes every such directory whose lock no live process holds.
 */
final class RunDirectory implements AutoCloseable {

  /** The prefix of every run directory's name. */
  static final String PREFIX = "samgr-zookeeper-run-";

  /**
   * A run directory without a lock file is swept only when older than this: a server that is
   * starting creates its directory and then, at once, its lock file.
   */
  private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);

  private static final int ATTEMPTS = 5;

  private final Path path;
  private final DirectoryLock lock;

  private RunDirectory(Path path, DirectoryLock lock) {
    this.path = path;
    this.lock = lock;
  }

  /**
   * Sweeps dead servers' run directories and makes a new one, locked for {@code holder}.
   *
   * @throws IOException if the temporary directory cannot be used
   */
  static RunDirectory create(String holder) throws IOException {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    sweep(temp);
    for (int attempt = 1; ; attempt++) {
      Path dir = Files.createTempDirectory(temp, PREFIX);
      DirectoryLock lock;
      try {
        lock = DirectoryLock.tryAcquire(dir, holder);
      } catch (IOException e) {
        deleteTree(dir); // an interrupted thread, say (ClosedByInterruptException): leave nothing
        throw e;
      }
      // Another process's sweep may have locked the new directory between its creation and our
      // lock: it then deletes it while holding the lock, so a lock we get after that is on a file
      // that no longer exists. Either way: a fresh directory.
      if (lock != null && Files.exists(dir.resolve(DirectoryLock.FILE))) {
        return new RunDirectory(dir, lock);
      }
      if (lock != null) {
        lock.close();
      }
      if (attempt == ATTEMPTS) {
        throw new IOException("cannot lock a new temporary directory in " + temp);
      }
    }
  }

  /** The directory. */
  Path path() {
    return path;
  }

  /** Deletes the directory and what it holds, then releases its lock. */
  @Override
  public void close() {
    try {
      deleteTree(path);
    } finally {
      lock.close();
    }
  }

  /** Deletes each run directory in {@code temp} that no live process holds (best effort). */
  static void sweep(Path temp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (!Files.exists(dir.resolve(DirectoryLock.FILE), LinkOption.NOFOLLOW_LINKS)) {
          if (olderThan(dir, UNLOCKED_GRACE)) {
            deleteTree(dir);
          }
          continue;
        }
        DirectoryLock lock = DirectoryLock.tryAcquireExisting(dir);
        if (lock != null) {
          try {
            deleteTree(dir); // under the lock: see create()
          } finally {
            lock.close();
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // best effort: a directory left behind harms nothing but disk space
    }
  }

  private static boolean olderThan(Path dir, Duration age) {
    try {
      Instant modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
      return modified.isBefore(Instant.now().minus(age));
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes a directory and what it holds; a file that cannot be deleted is left behind. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary directory left behind harms nothing
    }
  }
}
