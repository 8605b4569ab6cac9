package org.opennexus.samgr.cli;

import java.time.Duration;

/**
 * What the dashboard's HTTP server may spend, so that slow or hostile clients cannot take threads,
 * file descriptors or memory from the registry (or from the ZooKeeper server that {@code samgr
 * serve} runs in the same process).
 *
 * @param maxThreads the server's threads at most (accepting, selecting, pages and event streams)
 * @param maxConnections open connections at most; beyond it the server stops accepting, and further
 *     clients wait in the kernel's backlog, holding no descriptor of this process
 * @param maxStreams open event streams at most (each holds a thread); a new one beyond it takes the
 *     place of the stream open longest, which the server closes (see {@link StreamSlots})
 * @param headerTimeout how long a connection may take to send each request's head: from its opening
 *     for the first, from the previous response's end for every later one
 * @param idleTimeout how long a connection may stay without progress reading or writing; a stream
 *     whose writes are blocked (its client stopped reading and the buffers are full) is cut after
 *     it
 * @param streamLifetime how long an event stream may stay open; then the server ends it and the
 *     browser reconnects
 * @param maxQueued events that may wait for one stream beyond its first ones
 */
record HttpLimits(
    int maxThreads,
    int maxConnections,
    int maxStreams,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration streamLifetime,
    int maxQueued) {

  /** The limits of {@code samgr serve --http} and {@code samgr dashboard}. */
  static final HttpLimits DEFAULTS =
      new HttpLimits(
          48,
          128,
          32,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(10),
          10_000);

  HttpLimits {
    if (maxStreams < 1 || maxThreads < maxStreams + 8 || maxConnections < maxStreams + 1) {
      throw new IllegalArgumentException(
          "need maxStreams >= 1, maxThreads >= maxStreams + 8, maxConnections > maxStreams: "
              + maxThreads
              + ", "
              + maxConnections
              + ", "
              + maxStreams);
    }
    if (headerTimeout.isNegative()
        || headerTimeout.isZero()
        || idleTimeout.isNegative()
        || idleTimeout.isZero()
        || streamLifetime.isNegative()
        || streamLifetime.isZero()
        || maxQueued < 1) {
      throw new IllegalArgumentException(
          "timeouts, streamLifetime and maxQueued must be more than zero");
    }
  }

  /** These limits with another bound on the events queued for one stream. */
  HttpLimits withMaxQueued(int queued) {
    return new HttpLimits(
        maxThreads, maxConnections, maxStreams, headerTimeout, idleTimeout, streamLifetime, queued);
  }
}
