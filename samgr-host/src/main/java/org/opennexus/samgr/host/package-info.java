/**
 * The in-memory {@code host} backend. Not exported.
 *
 * <h2>Design</h2>
 *
 * <p>Services live in a {@link java.util.concurrent.ConcurrentHashMap} from name to an immutable
 * entry that holds the stored {@link org.opennexus.samgr.ServiceHandle} and one mutable slot: a
 * primitive {@code long} holding the last heartbeat (epoch milliseconds from the configured clock)
 * shifted left by one, and in its lowest bit whether {@code Expired} was announced for it.
 *
 * <ul>
 *   <li><b>Reads take no lock and allocate nothing.</b> {@code resolve} is one map lookup that
 *       returns the stored handle; {@code heartbeat} is one lookup, a generation compare, a read of
 *       the slot, a clock read and one compare-and-set of the slot (none when the clock has not
 *       moved since the last beat; it reads slot and clock again only when a concurrent heartbeat
 *       or an announcement moved the slot first). Name validation runs only on a miss: an invalid
 *       name can never have been stored, so a hit proves the name valid.
 *   <li><b>Changes take one registry lock.</b> {@code register}, both {@code restart}s, {@code
 *       unregister}, subscriptions, sweeps and {@code close} run under one lock. That makes the
 *       generation counter a plain {@code long}, makes {@code services()} an atomic snapshot, and
 *       gives every subscription one total order of events that agrees with what readers see.
 *   <li><b>Exactly one {@code Expired} per turn.</b> Announcing is a compare-and-set that sets the
 *       slot's bit, under the lock, followed at once by queueing the event; a heartbeat's
 *       compare-and-set therefore fails if an announcement landed after it read the slot, and it
 *       retries with a fresh clock reading (reviving the service, which clears the bit). A slot
 *       with the bit is not alive. A {@code heartbeat} or {@code liveness} that finds its service
 *       expired and unannounced goes to the lock and checks again there, so it announces, or takes
 *       effect after whatever replaced the entry, never acting on a view whose {@code Expired} was
 *       not sent.
 *   <li><b>Events go through {@link org.opennexus.samgr.spi.EventHub}</b> (caller-runs): each
 *       change and each {@code watch} publishes under the lock, in effect order, and flushes after
 *       releasing it; the hub owns the subscriptions and the delivery rules.
 *   <li><b>{@code close}</b> marks the registry closed under the lock, then closes the hub outside
 *       it, on every call (each waits for listener calls in flight). The services stay (every later
 *       call checks the flag first, so they are never read again).
 * </ul>
 */
@NullMarked
package org.opennexus.samgr.host;

import org.jspecify.annotations.NullMarked;
