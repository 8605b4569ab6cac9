/**
 * The in-memory {@code host} backend. Not exported.
 *
 * <h2>Design</h2>
 *
 * <p>Services live in a {@link java.util.concurrent.ConcurrentHashMap} from name to an immutable
 * entry that holds the stored {@link org.opennexus.samgr.ServiceHandle} and one mutable slot: the
 * last heartbeat, a primitive {@code long} of epoch milliseconds read from the configured clock.
 *
 * <ul>
 *   <li><b>Reads take no lock and allocate nothing.</b> {@code resolve} is one map lookup that
 *       returns the stored handle; {@code heartbeat} is one lookup, a generation compare, a clock
 *       read and one compare-and-set of the slot (none when the clock has not moved since the
 *       last beat; another only when a concurrent heartbeat moved the slot first). Name
 *       validation runs only on a miss: an invalid name can never have been stored, so a hit
 *       proves the name valid.
 *   <li><b>Changes take one registry lock.</b> {@code register}, both {@code restart}s, {@code
 *       unregister}, subscriptions, sweeps and {@code close} run under one lock. That makes the
 *       generation counter a plain {@code long}, makes {@code services()} an atomic snapshot, and
 *       gives every subscription one total order of events that agrees with what readers see.
 *       Changes are rare next to reads in the workloads samgr serves; the benchmarks measure the
 *       trade.
 *   <li><b>Events are queued under the lock and delivered after it is released</b>, by the thread
 *       that made the change, one subscription at a time, through a per-subscription queue and a
 *       work-in-progress counter, so no listener ever runs under the registry lock, listeners may
 *       call the registry, and nested or concurrent changes are delivered in order, never
 *       concurrently to one listener.
 *   <li><b>{@code close} only marks the registry closed</b>, under the lock, then ends every
 *       subscription and wakes every {@code await}. It clears nothing: every later call checks
 *       the flag before it answers, so the contents are never read again and go with the
 *       registry object.
 * </ul>
 */
@NullMarked
package org.opennexus.samgr.host;

import org.jspecify.annotations.NullMarked;
