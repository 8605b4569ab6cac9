package org.opennexus.samgr.bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A TCP relay on loopback between ZooKeeper clients and a server, for the {@link ZkScale}
 * measurements: it counts what the clients behind it send (every packet by ZooKeeper operation
 * code, and the bytes each way), can be {@linkplain #block() blocked} (it drops every connection
 * and refuses new ones until {@link #unblock()}, so its clients really are disconnected and miss
 * what changes meanwhile), and can be pointed at another server port (a restarted server).
 *
 * <p>A client-to-server stream is ZooKeeper's framing: a 4-byte length, then the packet. The first
 * packet of a connection is the connect request; each later one begins with the request header (an
 * {@code int} xid, then an {@code int} operation code: 11 a ping, 14 a multi, 22 a read-only multi,
 * 4 {@code getData}, 12 {@code getChildren2}, 101/105 setting watches again...). The server's
 * {@code PacketsReceived} counts the same packets, connect requests and pings included.
 */
final class Relay implements AutoCloseable {

  /** The operation code the relay files connect requests under (ZooKeeper has none for them). */
  static final int CONNECT = -100;

  /** ZooKeeper's operation code of a ping. */
  static final int PING = 11;

  /** Width of one slot of {@link #perSlot}, in milliseconds. */
  static final int SLOT_MILLIS = 100;

  private final ServerSocket listener;
  private final Thread acceptor;
  private volatile int target;
  private volatile boolean blocked;
  private volatile boolean closed;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private final Map<Integer, AtomicLong> byOp = new ConcurrentHashMap<>();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final AtomicLong lastRequestNanos = new AtomicLong();
  private volatile long slotOrigin = System.nanoTime();
  private final AtomicLongArray perSlot = new AtomicLongArray(6000);

  /**
   * Starts a relay on a free loopback port towards {@code targetPort} on loopback.
   *
   * @param targetPort the server's port
   * @throws IOException if no port can be bound
   */
  Relay(int targetPort) throws IOException {
    this.target = targetPort;
    this.listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "relay-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The connect string of this relay: {@code 127.0.0.1:<port>}. */
  String connect() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  /** Points the relay at another server port, for connections made from now on. */
  void target(int port) {
    target = port;
  }

  /** Drops every connection and refuses new ones until {@link #unblock()}. */
  void block() {
    blocked = true;
    dropAll();
  }

  /** Accepts and relays connections again. */
  void unblock() {
    blocked = false;
  }

  /** Drops every connection (its clients reconnect through the relay). */
  void dropAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  /** Counts from zero again; the per-slot counts start at this moment. */
  void reset() {
    byOp.clear();
    bytesUp.set(0);
    bytesDown.set(0);
    for (int i = 0; i < perSlot.length(); i++) {
      perSlot.set(i, 0);
    }
    slotOrigin = System.nanoTime();
    lastRequestNanos.set(0);
  }

  /** Every packet the clients sent since the last {@link #reset()}, pings and connects included. */
  long packets() {
    long sum = 0;
    for (AtomicLong count : byOp.values()) {
      sum += count.get();
    }
    return sum;
  }

  /** The packets of one operation code (or {@link #CONNECT}) since the last reset. */
  long packets(int op) {
    AtomicLong count = byOp.get(op);
    return count == null ? 0 : count.get();
  }

  /** The packets by operation code since the last reset, named, in code order. */
  Map<String, Long> byOperation() {
    Map<String, Long> named = new TreeMap<>();
    for (Map.Entry<Integer, AtomicLong> e : new TreeMap<>(byOp).entrySet()) {
      named.put(opName(e.getKey()), e.getValue().get());
    }
    return named;
  }

  /** Bytes from the clients to the server since the last reset. */
  long bytesUp() {
    return bytesUp.get();
  }

  /** Bytes from the server to the clients since the last reset. */
  long bytesDown() {
    return bytesDown.get();
  }

  /** When the last packet other than a ping passed ({@link System#nanoTime()}), or 0. */
  long lastRequestNanos() {
    return lastRequestNanos.get();
  }

  /** The most packets (pings included) that passed in one slot of {@link #SLOT_MILLIS}. */
  long peakPerSlot() {
    long peak = 0;
    for (int i = 0; i < perSlot.length(); i++) {
      peak = Math.max(peak, perSlot.get(i));
    }
    return peak;
  }

  /** The packets of each slot since the last reset, up to the last slot that had any. */
  long[] slots() {
    int last = -1;
    for (int i = 0; i < perSlot.length(); i++) {
      if (perSlot.get(i) > 0) {
        last = i;
      }
    }
    long[] slots = new long[last + 1];
    for (int i = 0; i <= last; i++) {
      slots[i] = perSlot.get(i);
    }
    return slots;
  }

  static String opName(int op) {
    return switch (op) {
      case CONNECT -> "connect";
      case 1 -> "create";
      case 3 -> "exists";
      case 4 -> "getData";
      case 5 -> "setData";
      case 8 -> "getChildren";
      case 9 -> "sync";
      case PING -> "ping";
      case 12 -> "getChildren2";
      case 14 -> "multi";
      case 15 -> "create2";
      case 22 -> "multiRead";
      case 101 -> "setWatches";
      case 105 -> "setWatches2";
      case 106 -> "addWatch";
      case -11 -> "closeSession";
      default -> "op" + op;
    };
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (blocked) {
        closeQuietly(client);
        continue;
      }
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), target);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client); // the server is down: the client tries again
        continue;
      }
      open.add(client);
      open.add(server);
      start("relay-up", () -> up(client, server));
      start("relay-down", () -> down(server, client));
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Client to server, frame by frame, counted by operation. */
  private void up(Socket client, Socket server) {
    try {
      DataInputStream in = new DataInputStream(client.getInputStream());
      OutputStream out = server.getOutputStream();
      boolean first = true;
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException e) {
          return;
        }
        if (length < 0 || length > (64 << 20)) {
          throw new IOException("a packet of " + length + " bytes: not ZooKeeper's framing");
        }
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, 4, length);
        int op;
        if (first) {
          op = CONNECT;
          first = false;
        } else {
          op = length >= 8 ? readInt(frame, 8) : -1;
        }
        if (blocked) {
          return; // dropped between the block and this frame: never reaches the server
        }
        count(op, frame.length);
        out.write(frame);
      }
    } catch (IOException e) {
      // a side closed: drop both
    } finally {
      closeBoth(client, server);
    }
  }

  /** Server to client, bytes counted. */
  private void down(Socket server, Socket client) {
    byte[] buffer = new byte[64 << 10];
    try {
      InputStream in = server.getInputStream();
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        bytesDown.addAndGet(n);
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // a side closed: drop both
    } finally {
      closeBoth(client, server);
    }
  }

  private void count(int op, int bytes) {
    byOp.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
    bytesUp.addAndGet(bytes);
    long now = System.nanoTime();
    if (op != PING) {
      lastRequestNanos.set(now);
    }
    long slot = (now - slotOrigin) / (SLOT_MILLIS * 1_000_000L);
    if (slot >= 0 && slot < perSlot.length()) {
      perSlot.incrementAndGet((int) slot);
    }
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private void closeBoth(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    open.remove(a);
    open.remove(b);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    dropAll();
  }
}
