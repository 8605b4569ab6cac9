package org.opennexus.samgr.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
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
   * Makes {@code records} with the marker if it does not exist (the root must), or adopts the count
   * it was made with. Bucket nodes are made by the first write into each, in its transaction (or by
   * {@link #makeBucket} after a write missed one), so a namespace holds only the buckets that hold
   * records.
   */
  void make(String op, long deadline) throws SamgrError, KeeperException {
    String records = layout.records();
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = calls.run(op, deadline, () -> client.getData().storingStatIn(stat).forPath(records));
      } catch (KeeperException.NoNodeException absent) {
        if (mark(op, deadline, -1)) {
          layout.adopt(wanted);
          return;
        }
        continue; // made by another client meanwhile
      }
      int count = parseOrRefuse(op, data);
      if (count > 0) {
        layout.adopt(count);
        return;
      }
      List<String> children = calls.run(op, deadline, () -> client.getChildren().forPath(records));
      if (!children.isEmpty()) {
        throw refused(op, earlierLayout(records, children.size()));
      }
      if (mark(op, deadline, stat.getVersion())) {
        layout.adopt(wanted); // made before buckets, and empty: now marked
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
   * Makes {@code records} with the marker ({@code version} -1), or writes the marker over the
   * version it holds. Returns {@code false} if another client did either meanwhile.
   */
  private boolean mark(String op, long deadline, int version) throws SamgrError, KeeperException {
    String records = layout.records();
    try {
      calls.run(
          op,
          deadline,
          () ->
              version < 0
                  ? client.create().forPath(records, marker(wanted))
                  : client.setData().withVersion(version).forPath(records, marker(wanted)));
      return true;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException lost) {
      return false;
    } catch (KeeperException.NoNodeException noRoot) {
      throw ZkCalls.missingNode(op, layout.root(), noRoot);
    }
  }

  /**
   * Makes a bucket node that does not exist yet (or was removed by hand), for a write into it;
   * returns {@code false} if {@code records} itself is gone.
   */
  boolean makeBucket(String op, long deadline, String bucket) throws SamgrError {
    try {
      calls.run(op, deadline, () -> client.create().forPath(bucket, new byte[0]));
      return true;
    } catch (KeeperException.NodeExistsException exists) {
      return true; // made by another client meanwhile
    } catch (KeeperException.NoNodeException noRecords) {
      return false;
    } catch (KeeperException e) {
      throw ZkCalls.refused(op, e);
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
