package org.opennexus.samgr.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;

/**
 * The namespace's record layout as written in the data of its {@code records} node, {@code layout=2
 * buckets=<count>}: a client that may write makes {@code records} and every bucket node in one
 * transaction when the namespace is new ({@link #make}); every client reads the count at open
 * ({@link #learn}) and goes by it, whatever its own {@code zookeeper.buckets} says.
 *
 * <p>A namespace written by samgr before records were spread over buckets (its records directly
 * under {@code records}) is refused, not migrated: no release ever wrote that layout, so only
 * development namespaces hold it, and a migration would have to move every record while other
 * clients of the old layout keep writing them. Removing the namespace (or choosing another) is the
 * remedy the error gives.
 */
final class RecordBuckets {

  /** The layout this version writes and reads. */
  static final int LAYOUT = 2;

  private static final Pattern MARKER = Pattern.compile("layout=(\\d{1,9}) buckets=(\\d{1,9})");
  private static final String ENVIRONMENT = ZkCalls.ENVIRONMENT;

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final int wanted;

  /** The layout of a client that makes new namespaces with {@code wanted} buckets. */
  RecordBuckets(CuratorFramework client, ZkCalls calls, Layout layout, int wanted) {
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.wanted = wanted;
  }

  /** The data of {@code records} for a namespace with {@code count} buckets. */
  static byte[] marker(int count) {
    return ("layout=" + LAYOUT + " buckets=" + count).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The bucket count that the data of {@code records} gives, or -1 if it gives none (a namespace of
   * the layout before buckets: its {@code records} holds whatever Curator wrote when it made it).
   *
   * @throws Refused if it is a layout other than this version's, or an impossible count
   */
  static int parse(String records, byte[] data) throws Refused {
    String text = new String(data, StandardCharsets.US_ASCII);
    Matcher m = MARKER.matcher(text);
    if (!m.matches()) {
      return -1;
    }
    int version = Integer.parseInt(m.group(1));
    int count = Integer.parseInt(m.group(2));
    if (version != LAYOUT) {
      throw new Refused(
          "node '"
              + records
              + "' says its records are in layout "
              + version
              + ", which this version of samgr does not read (it reads layout "
              + LAYOUT
              + "): open it with the samgr version that wrote it, or upgrade this one");
    }
    if (count < Layout.MIN_BUCKETS || count > Layout.MAX_BUCKETS) {
      throw new Refused(
          "node '" + records + "' gives " + count + " buckets, outside 1 to " + Layout.MAX_BUCKETS);
    }
    return count;
  }

  /**
   * Makes {@code records} and its buckets if they do not exist (the root must), or adopts the count
   * they were made with, and makes any bucket node that is missing.
   */
  void make(String op, long deadline) throws SamgrError, KeeperException {
    String records = layout.records();
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = calls.run(op, deadline, () -> client.getData().storingStatIn(stat).forPath(records));
      } catch (KeeperException.NoNodeException absent) {
        if (transact(op, deadline, null, -1, wanted)) {
          layout.adopt(wanted);
          return;
        }
        continue; // made by another client meanwhile
      }
      int count = parseOrRefuse(op, data);
      if (count > 0) {
        layout.adopt(count);
        makeMissingBuckets(op, deadline, count);
        return;
      }
      List<String> children = calls.run(op, deadline, () -> client.getChildren().forPath(records));
      if (!children.isEmpty()) {
        throw refused(op, earlierLayout(records, children.size()));
      }
      if (transact(op, deadline, records, stat.getVersion(), wanted)) {
        layout.adopt(wanted); // made before buckets, and empty: now made with them
        return;
      }
    }
  }

  /**
   * Reads the bucket count of an existing namespace and adopts it; {@code false} if nobody has made
   * the namespace's {@code records} yet (or made it without records in it).
   */
  boolean learn(String op, long deadline) throws SamgrError, KeeperException {
    String records = layout.records();
    byte[] data;
    try {
      data = calls.run(op, deadline, () -> client.getData().forPath(records));
    } catch (KeeperException.NoNodeException absent) {
      return false;
    }
    int count = parseOrRefuse(op, data);
    if (count > 0) {
      layout.adopt(count);
      return true;
    }
    List<String> children;
    try {
      children = calls.run(op, deadline, () -> client.getChildren().forPath(records));
    } catch (KeeperException.NoNodeException absent) {
      return false;
    }
    if (!children.isEmpty()) {
      throw refused(op, earlierLayout(records, children.size()));
    }
    return false; // made before buckets, and empty: a writing client makes it anew
  }

  private int parseOrRefuse(String op, byte[] data) throws SamgrError {
    try {
      return parse(layout.records(), data == null ? new byte[0] : data);
    } catch (Refused e) {
      throw refused(op, e.why());
    }
  }

  /**
   * In one transaction: makes {@code records} with the marker (or, if {@code unmarked} is its path,
   * writes the marker over the version it holds) and every bucket node. Returns {@code false} if
   * another client did either meanwhile.
   */
  private boolean transact(
      String op, long deadline, @Nullable String unmarked, int version, int count)
      throws SamgrError, KeeperException {
    String records = layout.records();
    Layout made = new Layout(layout.root());
    made.adopt(count);
    try {
      calls.run(
          op,
          deadline,
          () -> {
            List<CuratorOp> ops = new ArrayList<>(count + 1);
            if (unmarked == null) {
              ops.add(client.transactionOp().create().forPath(records, marker(count)));
            } else {
              ops.add(
                  client
                      .transactionOp()
                      .setData()
                      .withVersion(version)
                      .forPath(records, marker(count)));
            }
            for (int b = 0; b < count; b++) {
              ops.add(client.transactionOp().create().forPath(made.bucket(b), new byte[0]));
            }
            return client.transaction().forOperations(ops);
          });
      return true;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException lost) {
      return false;
    } catch (KeeperException.NoNodeException noRoot) {
      throw ZkCalls.missingNode(op, layout.root(), noRoot);
    }
  }

  /** Makes the bucket nodes that someone removed (the next write into one would fail). */
  private void makeMissingBuckets(String op, long deadline, int count)
      throws SamgrError, KeeperException {
    List<String> children =
        calls.run(op, deadline, () -> client.getChildren().forPath(layout.records()));
    Set<String> present = new HashSet<>(children);
    for (int b = 0; b < count; b++) {
      String path = layout.bucket(b);
      if (!present.contains(layout.bucketName(b))) {
        calls.run(
            op,
            deadline,
            () -> {
              try {
                client.create().forPath(path, new byte[0]);
              } catch (KeeperException.NodeExistsException exists) {
                // made by another client meanwhile
              }
              return Boolean.TRUE;
            });
      }
    }
  }

  /** Why a namespace of the layout before buckets is refused, and the remedy. */
  static String earlierLayout(String records, int children) {
    String root = records.substring(0, records.lastIndexOf('/'));
    return "namespace '"
        + root
        + "' holds its records in the layout of samgr before buckets ("
        + children
        + " nodes directly under '"
        + records
        + "'), which this version does not read; nothing was changed. That layout was never"
        + " released, so it is not migrated: remove the namespace with ZooKeeper's tools"
        + " (deleteall "
        + root
        + ") and register its services again, or choose another "
        + ZkSettings.NAMESPACE;
  }

  private static SamgrError.Unavailable refused(String op, String reason) {
    return new SamgrError.Unavailable(op, ENVIRONMENT, reason, null);
  }

  /** A layout this version does not read. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    private final String why;

    Refused(String why) {
      super(why);
      this.why = why;
    }

    /** Why the layout is refused. */
    String why() {
      return why;
    }
  }
}
