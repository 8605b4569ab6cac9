package org.opennexus.samgr.zookeeper;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;

/**
 * How a client opens: it connects within the operation timeout, makes the namespace its
 * credentials' own or checks that it is ({@link NamespaceGuard}), creates or reads the namespace's
 * epoch ({@link NamespaceHistory}), and loads its view, at open for a client that may write and on
 * first need for a read-only one ({@link OnDemandLoad}). Every failure becomes what {@code open()}
 * reports: an {@link IllegalStateException} whose message names the ensemble, the namespace and
 * what happened, with the {@link SamgrError} as its cause where there is one.
 */
final class ClientOpening {

  private static final String ENVIRONMENT = ZkCalls.ENVIRONMENT;

  private final ZkSettings settings;
  private final String connect;
  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final RecordBuckets buckets;
  private final NamespaceHistory history;
  private final NamespaceFeed feed;
  private final OnDemandLoad onDemand;

  ClientOpening(
      ZkSettings settings,
      String connect,
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordBuckets buckets,
      NamespaceHistory history,
      NamespaceFeed feed,
      OnDemandLoad onDemand) {
    this.buckets = buckets;
    this.settings = settings;
    this.connect = connect;
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.history = history;
    this.feed = feed;
    this.onDemand = onDemand;
  }

  /**
   * Opens the started client: {@code listen} starts following reconnections once the namespace is
   * set up; a client that may write then loads its view and runs {@code followSessions}.
   */
  void open(Runnable listen, Runnable followSessions) {
    opening(() -> connectAndLoad(listen, followSessions));
  }

  /** Loads the view of a read-only client on first need, failing as {@code open()} would. */
  void load() {
    opening(this::loadView);
  }

  /**
   * Connects and sets up the namespace; a client that may write then loads its view and follows
   * sessions, a read-only one loads on first need ({@link OnDemandLoad}).
   */
  private void connectAndLoad(Runnable listen, Runnable followSessions)
      throws InterruptedException, KeeperException, SamgrError {
    String where = where();
    if (!client.blockUntilConnected(
        (int) settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend could not reach "
              + where
              + " within "
              + settings.operationTimeout()
              + " ("
              + ZkSettings.OPERATION_TIMEOUT
              + ")",
          new SamgrError.Unavailable("open", ENVIRONMENT)); // the cause says: a down server
    }
    long deadline = calls.deadline();
    String auth = settings.auth();
    if (settings.readOnly()) {
      if (auth != null) {
        protect(auth, deadline, where); // checks only: a read-only client changes nothing
      }
      history.open(deadline); // reads the epoch node only; a namespace not made yet is empty
      buckets.learn("open", deadline); // if nobody has made the namespace, learnt at its first load
      listen.run();
      return; // loads its view when an operation first needs it (see OnDemandLoad)
    }
    if (auth != null) {
      protect(auth, deadline, where);
    } else {
      history.createNamespace("open", deadline);
    }
    history.open(deadline);
    listen.run();
    loadView();
    onDemand.loadedAtOpen();
    followSessions.run(); // a read-only client follows no other sessions
  }

  /**
   * Sets the persistent watch on the namespace and waits, within the operation timeout, for the
   * first load of the view.
   */
  private void loadView() throws InterruptedException, SamgrError, KeeperException {
    String where = where();
    onDemand.beginWatching();
    feed.watch();
    KeeperException.@Nullable Code[] failure = new KeeperException.Code[1];
    if (!feed.awaitFirstLoad(calls.operationNanos(), failure)) {
      checkListings(); // a list over the packet limit is named
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend could not read namespace '"
              + settings.root()
              + "' of "
              + where
              + " within "
              + settings.operationTimeout());
    }
    KeeperException.Code code = failure[0];
    if (code == KeeperException.Code.NONODE && settings.readOnly()) {
      code = null; // nobody has made the namespace yet: empty until a writing client does
    }
    if (code == KeeperException.Code.NOAUTH || code == KeeperException.Code.AUTHFAILED) {
      throw new SamgrError.Denied("open", ENVIRONMENT, KeeperException.create(code));
    } else if (code != null) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend could not read namespace '"
              + settings.root()
              + "' of "
              + where
              + ": "
              + KeeperException.create(code).getMessage());
    }
  }

  /** Which ensemble this client uses, for errors. */
  String where() {
    return "the ZooKeeper ensemble '"
        + connect
        + "' ("
        + ZkSettings.CONNECT
        + "='"
        + settings.connect()
        + "')";
  }

  /** A step of opening: connecting, setting up the namespace, loading the view. */
  private interface Step {
    void run() throws InterruptedException, KeeperException, SamgrError;
  }

  /** Runs a step of opening, and turns its failures into what open reports. */
  private void opening(Step step) {
    String where = where();
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + where, e);
    } catch (KeeperException e) {
      throw setUpFailed(where, e);
    } catch (SamgrError.Denied e) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend may not read or set up namespace '"
              + settings.root()
              + "' of "
              + where
              + " with these credentials ("
              + ZkSettings.AUTH
              + ")",
          e);
    } catch (SamgrError e) {
      // Says what happened: no answer within the operation timeout, or the answer that stopped it.
      throw setUpFailed(where, e);
    }
  }

  /**
   * After a load that did not end in time: lists the bucket with the most records, as every load
   * does. A list larger than ZooKeeper's packet limit never arrives (the client drops the
   * connection and Curator retries until the deadline): if the ensemble answers a small request
   * about the same node meanwhile, the error says that. Returns if it cannot tell.
   */
  private void checkListings() throws SamgrError {
    int count = layout.buckets();
    String largest = null;
    int most = -1;
    long deadline = calls.deadline(); // one operation timeout for all the buckets
    try {
      for (int b = 0; b < count; b++) {
        String bucket = layout.bucket(b);
        Stat stat = calls.run("open", deadline, () -> client.checkExists().forPath(bucket));
        if (stat != null && stat.getNumChildren() > most) {
          most = stat.getNumChildren();
          largest = bucket;
        }
      }
    } catch (SamgrError | KeeperException | RuntimeException e) {
      return; // the ensemble is out of reach after all
    }
    if (largest == null) {
      return;
    }
    String path = largest;
    try {
      calls.run("open", calls.deadline(), () -> client.getChildren().forPath(path));
    } catch (SamgrError.Unavailable unanswered) {
      String limit = RecordWriter.JUTE_MAXBUFFER;
      throw new SamgrError.Unavailable(
          "open",
          ENVIRONMENT,
          "the list of node '"
              + path
              + "' ("
              + most
              + " records) never arrived although the ensemble answers: it is probably larger"
              + " than ZooKeeper's packet limit ("
              + limit
              + " = "
              + Integer.getInteger(limit, RecordWriter.DEFAULT_MAXBUFFER)
              + " bytes in this JVM). Raise "
              + limit
              + " on every client and server of the ensemble (-D"
              + limit
              + "=16777216, say), or make the namespace anew with more buckets ("
              + ZkSettings.BUCKETS
              + ")",
          unanswered);
    } catch (SamgrError | KeeperException | RuntimeException e) {
      return; // not a question of size
    }
  }

  /**
   * Makes the namespace these credentials' own, or refuses to open it (see {@link NamespaceGuard});
   * a read-only client only checks that it is, and refuses it otherwise.
   */
  private void protect(String auth, long deadline, String where) throws KeeperException {
    NamespaceGuard guard =
        new NamespaceGuard(
            client,
            settings.root(),
            CuratorClients.acl(settings.readAuth()),
            auth,
            settings.readAuth(),
            () -> {
              try {
                buckets.make("open", deadline);
              } finally {
                DeadlineRetry.begin(deadline); // the guard's own calls go on within the deadline
              }
            });
    DeadlineRetry.begin(deadline);
    try {
      if (settings.readOnly()) {
        guard.verify();
      } else {
        guard.protect();
      }
    } catch (NamespaceGuard.Refused e) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend refuses to open namespace '"
              + settings.root()
              + "' of "
              + where
              + " with the credentials of "
              + ZkSettings.AUTH
              + ": "
              + e.getMessage()
              + ". Remove that node with ZooKeeper's tools as a user who may (deleteall "
              + e.node()
              + "), let these credentials change its ACL (setAcl), "
              + (settings.readOnly()
                  ? "open the namespace once from a client that may write with these credentials"
                      + " (it makes such nodes its own), "
                  : "")
              + "or choose another "
              + ZkSettings.NAMESPACE,
          e.denied());
    } catch (KeeperException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening " + where, e);
    } catch (Exception e) {
      throw setUpFailed(where, e);
    } finally {
      DeadlineRetry.end();
    }
  }

  /** What open reports when setting up the namespace failed: where, and what happened. */
  private IllegalStateException setUpFailed(String where, Exception e) {
    return new IllegalStateException(
        "the 'zookeeper' samgr backend could not set up namespace '"
            + settings.root()
            + "' of "
            + where
            + ": "
            + e.getMessage(),
        e);
  }
}
