package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * One server per directory: a {@link FileChannel} lock on the file {@value #FILE} in the directory,
 * held for the server's life. The operating system drops it when the process ends in any way, a
 * SIGKILL included, so a dead holder never blocks the next server. The file says who holds it
 * ({@code process <pid>, ZooKeeper at <address>}) and is left in place when the lock is released
 * (deleting it would let two servers lock two different files of the same name).
 */
final class DirectoryLock implements AutoCloseable {

  /** The lock file's name in the directory it guards. */
  static final String FILE = "samgr-server.lock";

  /** At most this much of a lock file is read back to name its holder. */
  private static final int HOLDER_MAX_BYTES = 200;

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code directory} and records {@code holder} in its lock file.
   *
   * @return the lock, or {@code null} if a live process (this one included) holds it
   * @throws IOException if the lock file cannot be created or written
   */
  static @Nullable DirectoryLock tryAcquire(Path directory, String holder) throws IOException {
    FileChannel channel =
        FileChannel.open(
            directory.resolve(FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        return null;
      }
      channel.truncate(0);
      channel.write(StandardCharsets.UTF_8.encode(holder), 0);
      return new DirectoryLock(channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Takes the lock of a directory whose lock file exists, without writing to it (to sweep a dead
   * server's directory).
   *
   * @return the lock, or {@code null} if a live process holds it or there is no lock file
   */
  static @Nullable DirectoryLock tryAcquireExisting(Path directory) {
    try {
      FileChannel channel =
          FileChannel.open(
              directory.resolve(FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        return null;
      }
      return new DirectoryLock(channel, lock);
    } catch (IOException e) {
      return null; // no lock file, or not ours to open: not a directory to sweep
    }
  }

  private static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this JVM
    }
  }

  /**
   * Who holds the lock of {@code directory}, as its holder wrote it: {@code process <pid>,
   * ZooKeeper at <address>}, or {@code another process} when the file says nothing (yet).
   */
  static String holder(Path directory) {
    try (FileChannel channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.READ)) {
      ByteBuffer bytes = ByteBuffer.allocate(HOLDER_MAX_BYTES);
      while (bytes.hasRemaining() && channel.read(bytes) > 0) {
        // read up to the bound
      }
      bytes.flip();
      String text = StandardCharsets.UTF_8.decode(bytes).toString().strip();
      return text.isEmpty() || !text.chars().allMatch(c -> c >= ' ' && c < 0x7f)
          ? "another process"
          : text;
    } catch (IOException e) {
      return "another process";
    }
  }

  /** A file system failure in words, for an error line (never a Java class name). */
  static String reason(IOException e) {
    String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
    String what;
    if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "a file is in the way";
    } else if (e instanceof NotDirectoryException) {
      what = "not a directory";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      what = f.getReason();
    } else {
      return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
    return file == null ? what : what + " (" + file + ")";
  }

  /** Releases the lock; the lock file stays. */
  @Override
  public void close() {
    try (FileChannel closing = channel) {
      lock.release();
    } catch (IOException e) {
      // the lock goes with the channel, or with the process at the latest
    }
  }
}
