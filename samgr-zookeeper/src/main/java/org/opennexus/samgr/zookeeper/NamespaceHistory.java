package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;

/**
 * The namespace's history as one client follows it: the {@link Epoch} its generations are issued
 * in, and losses of the ensemble's data. A loss shows as the epoch node gone (a wiped data
 * directory), an epoch node older than the one this client read, or, in a new session, this
 * client's first write not beyond every zxid it saw (both: a restore from an older copy). On a loss
 * the client drops everything it knew (every registered service is announced {@code Unregistered})
 * and writes a new epoch whose floor voids every record it saw: no handle from before acts again,
 * and no generation repeats (see {@link Epoch} for the assumption).
 */
final class NamespaceHistory {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  /**
   * Makes sure this client's node exists in the current session; says whether the zxid that created
   * it was not beyond every zxid seen before.
   */
  interface SessionProbe {
    boolean sessionWentBack(String op, long deadline) throws SamgrError;
  }

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final String epochPath;
  private final InstantSource clock;
  private final RecordView view;
  private final SessionProbe probe;

  /** Makes {@code records} and its buckets. */
  private final RecordBuckets buckets;

  /** Whether this client never writes ({@code zookeeper.read-only}): it only follows the node. */
  private final boolean readOnly;

  /** The epoch node as this client last read or wrote it. */
  private volatile Epoch epoch = new Epoch(-1, 0, 1, 0);

  /** The session in which this client last checked the history. */
  private volatile long verifiedSession;

  /** Serializes the checks. */
  private final ReentrantLock lock = new ReentrantLock();

  NamespaceHistory(
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordBuckets buckets,
      InstantSource clock,
      RecordView view,
      SessionProbe probe,
      boolean readOnly) {
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.buckets = buckets;
    this.epochPath = layout.root() + "/" + Epoch.NODE;
    this.clock = clock;
    this.view = view;
    this.probe = probe;
    this.readOnly = readOnly;
  }

  /** The epoch node's path. */
  String epochPath() {
    return epochPath;
  }

  /** The epoch a new generation is issued in now. */
  Epoch current() {
    return epoch;
  }

  /**
   * Creates the namespace's nodes that do not exist (without credentials: open to anyone): the root
   * and {@code clients}, then {@code records} with its buckets ({@link RecordBuckets#make}).
   */
  void createNamespace(String op, long deadline) throws SamgrError, KeeperException {
    String node = layout.clients();
    calls.run(
        op,
        deadline,
        () -> {
          if (client.checkExists().forPath(node) != null) {
            return Boolean.TRUE; // checked first: creating needs rights that readers lack
          }
          try {
            client.create().creatingParentsIfNeeded().forPath(node);
          } catch (KeeperException.NodeExistsException exists) {
            // made by another client meanwhile
          }
          return Boolean.TRUE;
        });
    buckets.make(op, deadline);
  }

  /**
   * At {@code open()}: reads the epoch node and writes its next version, so that the generations
   * this client issues are beyond its clock's reading; a client that may not write it goes by the
   * version it read.
   */
  void open(long deadline) throws SamgrError, KeeperException {
    verifiedSession = sessionId();
    while (true) {
      Epoch found = read("open", deadline);
      if (readOnly) {
        if (found != null) {
          epoch = found; // goes by the version it read, as a client that may not write does
          view.raiseFloor(found.floor());
        }
        return;
      }
      try {
        epoch = write("open", found, found == null ? 0 : found.floor(), deadline);
        view.raiseFloor(epoch.floor());
        return;
      } catch (KeeperException e) {
        if (e.code() != KeeperException.Code.BADVERSION
            && e.code() != KeeperException.Code.NODEEXISTS) {
          throw e;
        }
        ZkCalls.checkDeadline("open", deadline); // another client wrote it meanwhile
      } catch (SamgrError.Denied e) {
        if (found == null) {
          throw e;
        }
        epoch = found;
        view.raiseFloor(found.floor());
        return;
      }
    }
  }

  /**
   * Before a write (under the write lock of its name): once per ZooKeeper session, makes sure the
   * ensemble still holds the history this client saw. Writes of other names may come here at the
   * same time: the first checks, and the others wait for its check and do not repeat it (a loss is
   * handled once).
   */
  void verify(String op, long deadline) throws SamgrError {
    long id = sessionId();
    if (id != 0 && id != verifiedSession) {
      lock.lock();
      try {
        if (id != verifiedSession) {
          check(op, true, deadline);
          verifiedSession = id;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Reads the epoch node and follows it: a newer version is taken, a raised floor drops what it
   * voids, and a loss is handled (see the class documentation).
   */
  void check(String op, boolean newSession, long deadline) throws SamgrError {
    lock.lock();
    try {
      Epoch known = epoch;
      Epoch found = read(op, deadline);
      if (readOnly && found == null && known.version() < 0) {
        return; // a read-only client on a namespace nobody has made yet: nothing to follow
      }
      boolean lost =
          found == null
              || found.mzxid() < known.mzxid()
              || found.version() < known.version()
              || (found.version() == known.version() && found.mzxid() != known.mzxid());
      RecordView.Newest newest = view.newest();
      if (!lost && newSession && newest != null) {
        // The version of a record written last that this client saw must still be there (record
        // nodes are never deleted).
        Stat now = readStat(op, layout.record(newest.name()), deadline);
        lost = now == null || now.getMzxid() < newest.zxid();
      }
      if (!lost && newSession) {
        try {
          lost = probe.sessionWentBack(op, deadline);
        } catch (SamgrError.Denied e) {
          // a client that may not write goes by the epoch node and the records
        }
      }
      if (!lost && found != null) {
        if (found.floor() > known.floor()) {
          epoch = found;
          view.raiseFloor(found.floor()); // another client wrote down a loss
          view.restartZxids(found.mzxid());
        } else if (found.mzxid() > known.mzxid()) {
          epoch = found;
        }
        view.noteZxid(found.mzxid());
        return;
      }
      long cover = view.stampSeen() + 1;
      LOG.log(
          Level.WARNING,
          "samgr zookeeper: the ensemble lost the data of namespace '"
              + layout.root()
              + "' ("
              + (found == null
                  ? "the namespace is gone"
                  : "its history is older than this client saw")
              + "): every service this client knew is unregistered, no handle from before acts"
              + " again, and the services must be registered anew");
      view.restartZxids(0);
      try {
        if (readOnly) {
          if (found != null) {
            epoch = found; // a writing client writes the loss down
          }
          return;
        }
        if (found == null) {
          createNamespace(op, deadline);
        } else {
          buckets.learn(op, deadline); // made again by another client, perhaps with another count
        }
        epoch = write(op, found, Math.max(found == null ? 0 : found.floor(), cover), deadline);
      } catch (SamgrError.Denied e) {
        if (found != null) {
          epoch = found; // goes by its own floor until a client that may writes one
        }
      } catch (KeeperException e) {
        Epoch now = read(op, deadline); // written by another client meanwhile
        if (now != null) {
          epoch = now;
        }
      } finally {
        // Last, so that a client whose view is empty again finds the namespace made again.
        view.raiseFloor(cover);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The Stat of a node, or {@code null} if it does not exist. */
  private @Nullable Stat readStat(String op, String path, long deadline) throws SamgrError {
    try {
      return calls.run(op, deadline, () -> client.checkExists().forPath(path));
    } catch (KeeperException e) {
      throw ZkCalls.refused(op, e);
    }
  }

  /**
   * The epoch node as it is, or {@code null} if it does not exist; one whose data is not an epoch
   * (written by hand) is taken as an epoch of base 0, to be replaced.
   */
  private @Nullable Epoch read(String op, long deadline) throws SamgrError {
    Stat stat = new Stat();
    try {
      byte[] data =
          calls.run(op, deadline, () -> client.getData().storingStatIn(stat).forPath(epochPath));
      Epoch found = Epoch.parse(stat, data);
      return found != null ? found : new Epoch(stat.getVersion(), stat.getMzxid(), 0, 0);
    } catch (KeeperException e) {
      if (e.code() == KeeperException.Code.NONODE) {
        return null;
      }
      throw ZkCalls.refused(op, e);
    }
  }

  /**
   * Writes the version of the epoch node that follows {@code found} (creates the node if it is
   * {@code null}), whose base is beyond this client's clock and every stamp it saw.
   */
  private Epoch write(String op, @Nullable Epoch found, long floor, long deadline)
      throws SamgrError, KeeperException {
    long atLeast = Math.max(Epoch.clockBase(clock.millis()), view.stampSeen() + 1);
    byte[] data = Epoch.next(found, atLeast, floor);
    Stat stat =
        calls.run(
            op,
            deadline,
            () -> {
              if (found == null) {
                Stat created = new Stat();
                client
                    .create()
                    .creatingParentsIfNeeded()
                    .storingStatIn(created)
                    .forPath(epochPath, data);
                return created;
              }
              return client.setData().withVersion(found.version()).forPath(epochPath, data);
            });
    Epoch written = Epoch.parse(stat, data);
    if (written == null) {
      throw new IllegalStateException("samgr zookeeper wrote an unreadable epoch"); // cannot be
    }
    view.noteStamp(written.base());
    view.noteZxid(written.mzxid());
    return written;
  }

  /** The current ZooKeeper session's id, or 0 while Curator has no handle. */
  private long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0; // closing, or being remade: the next call checks again
    }
  }
}
