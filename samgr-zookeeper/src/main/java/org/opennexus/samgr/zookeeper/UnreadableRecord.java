package org.opennexus.samgr.zookeeper;

import org.opennexus.samgr.SamgrError;

/**
 * A version of a name's record node that this client cannot read (see {@link RecCodec.Unreadable}):
 * garbage written by someone else, a record cut short, or a format of a newer samgr. While it is
 * the newest version of the name, the view holds it instead of a record: the name is not registered
 * for {@code services()} and the watchers, and every operation on the name fails with {@link
 * #error}, the same on every client; {@code register} replaces it (see {@code docs/zookeeper.md},
 * "Repairing an unreadable record").
 *
 * @param name the name whose record it is
 * @param path the record node
 * @param version the node's data version
 * @param mzxid the zxid of the write that made this version
 * @param why why it cannot be read, in words
 */
record UnreadableRecord(String name, String path, int version, long mzxid, String why) {

  /** What every operation on the name reports while this version is the newest. */
  SamgrError.Unavailable error(String op) {
    return new SamgrError.Unavailable(
        op,
        ZkCalls.ENVIRONMENT,
        described() + "; nothing changed. To repair it, " + remedy(),
        null);
  }

  /** The warning logged once per version, by each client that reads it. */
  String warning() {
    return "samgr zookeeper: "
        + described()
        + "; every operation on '"
        + name
        + "' fails until it is repaired. To repair it, "
        + remedy();
  }

  private String described() {
    return "the record of '"
        + name
        + "' (node "
        + path
        + ", version "
        + version
        + ") is unreadable: "
        + why;
  }

  private String remedy() {
    return "register '"
        + name
        + "' again from a client whose credentials may write that node: it replaces the"
        + " unreadable version with a new incarnation, with a new generation (or delete the node"
        + " with ZooKeeper's tools: delete "
        + path
        + ")";
  }
}
