package org.opennexus.samgr.zookeeper;

import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
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
   * node) are thrown as they are for the caller to resolve; an ACL refusal becomes {@code Denied};
   * no answer (a lost connection or session, a timeout) becomes the {@code Unavailable} that says
   * the engine could not be reached; any other answer becomes an {@code Unavailable} whose reason
   * names the node and what ZooKeeper said ({@link #refused}).
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
          throw unanswered(e.code())
              ? new SamgrError.Unavailable(op, ENVIRONMENT, e)
              : refused(op, e);
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

  /** Whether a failure means that nothing answered: a lost connection or session, a timeout. */
  static boolean unanswered(KeeperException.Code code) {
    return code == KeeperException.Code.CONNECTIONLOSS
        || code == KeeperException.Code.SESSIONEXPIRED
        || code == KeeperException.Code.SESSIONMOVED
        || code == KeeperException.Code.OPERATIONTIMEOUT
        || code == KeeperException.Code.REQUESTTIMEOUT;
  }

  /**
   * The error for an answer of ZooKeeper that stops the operation and is neither a conflict nor an
   * ACL refusal nor a lost connection (a quota, a malformed request, a system error, ...): it names
   * the node and what ZooKeeper said.
   */
  static SamgrError.Unavailable refused(String op, KeeperException e) {
    String path = e.getPath();
    return new SamgrError.Unavailable(
        op,
        ENVIRONMENT,
        "ZooKeeper answered "
            + e.code()
            + (path != null ? " for node '" + path + "'" : "")
            + " and did not apply it",
        e);
  }

  /**
   * The error for a node of the namespace that should exist and does not: the ensemble lost the
   * namespace's data, or someone deleted the node.
   */
  static SamgrError.Unavailable missingNode(String op, String path, @Nullable Throwable cause) {
    return new SamgrError.Unavailable(
        op,
        ENVIRONMENT,
        "node '"
            + path
            + "' does not exist: the ensemble lost this namespace's data, or someone deleted it;"
            + " nothing was changed. Open the registry again (it makes the namespace's nodes anew)"
            + " and register its services again",
        cause);
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
