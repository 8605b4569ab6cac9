package org.opennexus.samgr.zookeeper;

import org.apache.zookeeper.KeeperException;
import org.opennexus.samgr.SamgrError;

/**
 * Runs one client's ZooKeeper calls under an operation's deadline and turns their failures into
 * what the user is told; also knows whether the client is closed, which every part asks.
 */
final class ZkCalls {

  static final String ENVIRONMENT = "zookeeper";

  /** One ZooKeeper call. */
  interface Call<T> {
    T call() throws Exception;
  }

  private final long operationNanos;
  private volatile boolean closed;

  /** Calls whose operations may wait {@code operationNanos} for the ensemble. */
  ZkCalls(long operationNanos) {
    this.operationNanos = operationNanos;
  }

  /** The deadline, in {@link System#nanoTime()}, of an operation that begins now. */
  long deadline() {
    return System.nanoTime() + operationNanos;
  }

  /** How long an operation may wait for the ensemble, in nanoseconds. */
  long operationNanos() {
    return operationNanos;
  }

  /**
   * Runs one Curator call under the operation's deadline. Conflicts (node exists, bad version, no
   * node) are thrown as they are for the caller to resolve; the rest become {@code Denied} or
   * {@code Unavailable}.
   */
  <T> T run(String op, long deadline, Call<T> call) throws SamgrError, KeeperException {
    DeadlineRetry.begin(deadline);
    try {
      return call.call();
    } catch (KeeperException e) {
      switch (e.code()) {
        case NODEEXISTS, BADVERSION, NONODE -> throw e;
        case NOAUTH, AUTHFAILED -> throw new SamgrError.Denied(op, ENVIRONMENT, e);
        default -> {
          checkOpen();
          throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (RuntimeException e) {
      checkOpen(); // the client was closed under the call
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (Exception e) {
      checkOpen();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } finally {
      DeadlineRetry.end();
    }
  }

  /** Throws {@code Unavailable} if the deadline has passed. */
  static void checkDeadline(String op, long deadline) throws SamgrError {
    if (deadline - System.nanoTime() <= 0) {
      throw new SamgrError.Unavailable(op, ENVIRONMENT);
    }
  }

  /** Marks the client closed; every later operation throws {@link #closedError()}. */
  void close() {
    closed = true;
  }

  boolean closed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  static IllegalStateException closedError() {
    return new IllegalStateException("this samgr 'zookeeper' registry is closed");
  }
}
