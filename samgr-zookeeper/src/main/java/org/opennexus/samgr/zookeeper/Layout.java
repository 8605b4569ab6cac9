package org.opennexus.samgr.zookeeper;

import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.Arguments;

/**
 * Where a namespace keeps what: {@code records/<encoded name>}, one node per name, and {@code
 * clients/<session in hex>}, one ephemeral node per client session that has written.
 */
final class Layout {

  private final String root;
  private final String records;
  private final String clients;
  private final String recordsPrefix;
  private final String clientsPrefix;

  /** The layout of the namespace whose root path is {@code root}, such as {@code /samgr}. */
  Layout(String root) {
    this.root = root;
    this.records = root + "/records";
    this.clients = root + "/clients";
    this.recordsPrefix = records + "/";
    this.clientsPrefix = clients + "/";
  }

  /** The namespace's root path. */
  String root() {
    return root;
  }

  /** The parent of the record nodes. */
  String records() {
    return records;
  }

  /** The parent of the client nodes. */
  String clients() {
    return clients;
  }

  /** The record node of a name. */
  String record(String name) {
    return recordsPrefix + Names.encode(name);
  }

  /** The client node of a session. */
  String client(long session) {
    return clientsPrefix + sessionName(session);
  }

  /** The name whose record is at {@code path}, or {@code null} if it is no record node. */
  @Nullable String nameOf(String path) {
    return path.startsWith(recordsPrefix)
        ? recordName(path.substring(recordsPrefix.length()))
        : null;
  }

  /** The session whose client node is at {@code path}, or 0 if it is no client node. */
  long sessionAt(String path) {
    return path.startsWith(clientsPrefix) ? sessionOf(path.substring(clientsPrefix.length())) : 0;
  }

  /** Whether {@code path} lies under the record nodes' parent. */
  boolean isUnderRecords(String path) {
    return path.startsWith(recordsPrefix);
  }

  /** The name a record node holds, or {@code null} if it is not one of this backend's. */
  static @Nullable String recordName(String node) {
    String name = Names.decode(node);
    return name != null && Arguments.isValidName(name) ? name : null;
  }

  /** The session a client node is named for, or 0 if it is not one of this backend's. */
  static long sessionOf(String node) {
    try {
      return Long.parseUnsignedLong(node, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A session's name as a node: 16 hex digits. */
  static String sessionName(long session) {
    return String.format("%016x", session);
  }
}
