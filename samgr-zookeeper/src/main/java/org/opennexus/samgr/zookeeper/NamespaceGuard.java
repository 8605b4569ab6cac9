package org.opennexus.samgr.zookeeper;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.opennexus.samgr.SamgrError;

/**
 * Makes a namespace opened with {@code zookeeper.auth} the credentials' own, or refuses it: the
 * check that {@code open()} runs before it relies on anything in the namespace.
 *
 * <p>The nodes a client relies on are the namespace's root, {@code records}, {@code clients},
 * {@code epoch}, every bucket node and every record node. Each must let only the credentials change
 * it: its ACL grants rights beyond reading to no one else (and, with {@code zookeeper.read-auth},
 * nothing at all to anyone else). A node that does not is made so with {@code setACL} when
 * ZooKeeper lets these credentials do it (it was made by a client without credentials, which leaves
 * it open to anyone); otherwise {@code open()} fails, naming the node and the ACL found. The record
 * nodes are checked whenever the root or {@code records} was not protected yet, after {@code
 * records} is (so that no one can add one meanwhile), and the root is made the credentials' own
 * last, so that a protected root means every record was checked. A root is taken as protected only
 * if this call made it or found it so after it exists: one made by a client without credentials
 * between a first look that found none and this call's create counts as unprotected, and everything
 * below it is checked.
 */
final class NamespaceGuard {

  private final CuratorFramework client;
  private final String root;
  private final List<ACL> acl;
  private final Id self;
  private final boolean readAuth;

  /** Makes {@code records} and its buckets, or adopts them (see {@link RecordBuckets#make}). */
  interface RecordsMaker {
    void make() throws Exception;
  }

  private final RecordsMaker makeRecords;

  NamespaceGuard(
      CuratorFramework client,
      String root,
      List<ACL> acl,
      String auth,
      boolean readAuth,
      RecordsMaker makeRecords) {
    this.client = client;
    this.makeRecords = makeRecords;
    this.root = root;
    this.acl = acl;
    this.readAuth = readAuth;
    try {
      this.self = new Id("digest", DigestAuthenticationProvider.generateDigest(auth));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1 for ZooKeeper's digest", e);
    }
  }

  /**
   * Checks and protects the namespace; the nodes that do not exist yet are created with this
   * client's ACL.
   *
   * @throws Refused naming the node that these credentials may not make their own
   */
  void protect() throws Exception {
    String records = root + "/records";
    boolean madeRoot = client.checkExists().forPath(root) == null && create(root);
    // A root this call did not make may have been made by anyone, even after a look that found
    // none: it is judged as it is now (and refused, before anything is made, if these credentials
    // cannot make it theirs). Once it is ours, no one else can add a node under it, so the records
    // node below is judged as found too.
    boolean rootWasOurs = madeRoot || checked(root);
    boolean recordsWereOurs = checked(records);
    try {
      makeRecords.make();
    } catch (SamgrError.Denied e) {
      throw new Refused(root, client.getACL().forPath(root));
    }
    create(root + "/clients");
    fix(records);
    if (!rootWasOurs || !recordsWereOurs) {
      for (String bucket : client.getChildren().forPath(records)) {
        fix(records + "/" + bucket);
        for (String child : children(records + "/" + bucket)) {
          fix(records + "/" + bucket + "/" + child);
        }
      }
    }
    fix(root + "/clients");
    fix(root + "/" + Epoch.NODE);
    fix(root);
  }

  /**
   * Checks, changing nothing, that the namespace's root, {@code records}, {@code clients} and
   * {@code epoch} let only these credentials change them: what a read-only client with credentials
   * runs, since it may not make nodes its own. The nodes below need no look of their own (at a
   * million records, a million requests): {@link #protect} makes every one of them the credentials'
   * own before it makes the root so, and once {@code records} and {@code clients} are protected,
   * only holders of the credentials can make nodes under them.
   *
   * @throws Refused naming the first of those nodes that others may change
   */
  void verify() throws Exception {
    String records = root + "/records";
    for (String path : List.of(root, records, root + "/clients", root + "/" + Epoch.NODE)) {
      List<ACL> found;
      try {
        found = client.getACL().forPath(path);
      } catch (KeeperException.NoNodeException absent) {
        continue;
      }
      if (!ours(found)) {
        throw new Refused(path, found);
      }
    }
  }

  /** The children of a node, none if it is absent. */
  private List<String> children(String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException absent) {
      return List.of();
    }
  }

  /** Whether the node is absent or already this client's own; refuses one it cannot make so. */
  private boolean checked(String path) throws Exception {
    Stat stat = new Stat();
    List<ACL> found;
    try {
      found = client.getACL().storingStatIn(stat).forPath(path);
    } catch (KeeperException.NoNodeException absent) {
      return true;
    }
    if (ours(found)) {
      return true;
    }
    if (!fixable(found)) {
      throw new Refused(path, found);
    }
    return false;
  }

  /** Creates the node; {@code true} if this call made it, {@code false} if it existed. */
  private boolean create(String path) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(path);
      return true;
    } catch (KeeperException.NodeExistsException exists) {
      return false; // made by another client meanwhile: fix checks it
    } catch (KeeperException.NoAuthException e) {
      String parent = path.substring(0, path.lastIndexOf('/'));
      throw new Refused(
          parent.isEmpty() ? "/" : parent,
          client.getACL().forPath(parent.isEmpty() ? "/" : parent));
    }
  }

  /** Makes the node this client's own if it is not; absent nodes are left alone. */
  private void fix(String path) throws Exception {
    Stat stat = new Stat();
    List<ACL> found;
    try {
      found = client.getACL().storingStatIn(stat).forPath(path);
    } catch (KeeperException.NoNodeException absent) {
      return;
    }
    if (ours(found)) {
      return;
    }
    try {
      client.setACL().withVersion(stat.getAversion()).withACL(acl).forPath(path);
    } catch (KeeperException.NoAuthException e) {
      throw new Refused(path, found);
    } catch (KeeperException.BadVersionException e) {
      fix(path); // changed meanwhile: look again
    }
  }

  /** Whether only these credentials may change a node with this ACL. */
  private boolean ours(List<ACL> found) {
    boolean all = false;
    for (ACL entry : found) {
      if (entry.getId().equals(self)) {
        all |= entry.getPerms() == ZooDefs.Perms.ALL;
      } else if (entry.getPerms() != 0 && (readAuth || entry.getPerms() != ZooDefs.Perms.READ)) {
        return false;
      }
    }
    return all;
  }

  /** Whether ZooKeeper lets these credentials change the ACL of a node with this one. */
  private boolean fixable(List<ACL> found) {
    for (ACL entry : found) {
      Id id = entry.getId();
      boolean us = id.equals(self) || id.equals(ZooDefs.Ids.ANYONE_ID_UNSAFE);
      if (us && (entry.getPerms() & ZooDefs.Perms.ADMIN) != 0) {
        return true;
      }
    }
    return false;
  }

  /** A node of the namespace that these credentials may not make their own. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    private final String node;

    Refused(String node, List<ACL> found) {
      super(
          "node '"
              + node
              + "' has the ACL ["
              + describe(found)
              + "], which lets others than"
              + " these credentials change it, and these credentials may not change that ACL");
      this.node = node;
    }

    String node() {
      return node;
    }

    /** The cause {@code open()} reports: ZooKeeper's refusal, as {@code Denied}. */
    SamgrError.Denied denied() {
      return new SamgrError.Denied(
          "open", ZkCalls.ENVIRONMENT, KeeperException.create(KeeperException.Code.NOAUTH, node));
    }
  }

  /** An ACL as ZooKeeper's CLI shows it: {@code scheme:id:perms}, comma-separated. */
  static String describe(List<ACL> found) {
    List<String> entries = new ArrayList<>();
    for (ACL entry : found) {
      entries.add(
          entry.getId().getScheme() + ":" + entry.getId().getId() + ":" + perms(entry.getPerms()));
    }
    return String.join(", ", entries);
  }

  private static String perms(int perms) {
    StringBuilder out = new StringBuilder();
    char[] letters = {'c', 'd', 'r', 'w', 'a'};
    int[] bits = {
      ZooDefs.Perms.CREATE,
      ZooDefs.Perms.DELETE,
      ZooDefs.Perms.READ,
      ZooDefs.Perms.WRITE,
      ZooDefs.Perms.ADMIN
    };
    for (int i = 0; i < bits.length; i++) {
      if ((perms & bits[i]) != 0) {
        out.append(letters[i]);
      }
    }
    return out.toString();
  }
}
