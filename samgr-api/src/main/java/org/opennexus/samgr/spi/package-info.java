/**
 * The service provider interface for samgr backends.
 *
 * <p>A backend is a module that {@code provides org.opennexus.samgr.spi.SamgrBackend with} its
 * provider class (and ships the matching {@code META-INF/services} file for class-path users). The
 * provider class must be public with a public no-argument constructor or a {@code public static
 * provider()} method, as {@link java.util.ServiceLoader} requires, but it and the implementation
 * classes belong in packages the module does not export.
 *
 * <p>A backend must apply {@link org.opennexus.samgr.spi.Arguments} to every name and address it
 * receives, so that a name valid on one backend is valid on all of them, and must meet the contract
 * written on {@link org.opennexus.samgr.ServiceManager}.
 *
 * <h2>Event delivery: the {@link org.opennexus.samgr.spi.EventHub}</h2>
 *
 * <p>This section is the one place where a backend's duties for events are written. Event delivery
 * is written once, in {@link org.opennexus.samgr.spi.EventHub}: it owns the subscriptions (to one
 * name and to all names), their first {@code Registered} events, the fan-out of each event, the
 * executor or hand-off thread, the failure hook, {@code await} and the close rules. A backend only
 * says which events took effect, in which order.
 *
 * <h3>What a backend does</h3>
 *
 * <ol>
 *   <li>Create one hub per registry when it opens: {@link
 *       org.opennexus.samgr.spi.EventHub#callerRuns} for an in-process backend (a writer may run
 *       listeners), {@link org.opennexus.samgr.spi.EventHub#handOff} for a backend whose changes
 *       arrive on a thread that must not run user code (a client library's event thread).
 *   <li>For each change, under its own lock (or on its single event thread), in the order the
 *       changes take effect: {@link org.opennexus.samgr.spi.EventHub#publish} each event.
 *   <li>For {@code watch(name, l)} and {@code watchAll(l)}, under the same lock: {@link
 *       org.opennexus.samgr.spi.EventHub#subscribe} with the handles registered now (for {@code
 *       watchAll}, sorted by name), and return the subscription it gives.
 *   <li>After releasing the lock, on the same thread: {@link
 *       org.opennexus.samgr.spi.EventHub#flush()} (in a {@code finally} block if the change can
 *       fail after publishing).
 *   <li>{@code await}: the backend's own fast path if it likes, then {@link
 *       org.opennexus.samgr.spi.EventHub#await}, which reads the registry with {@code find}.
 *   <li>{@code close()}: on every call, also when already closed, {@link
 *       org.opennexus.samgr.spi.EventHub#close()} with no lock held.
 * </ol>
 *
 * <p>That is all. There is no subscriber index, fan-out or numbering to keep in the backend.
 *
 * <h3>The rules the hub keeps</h3>
 *
 * <ul>
 *   <li><b>Order.</b> For one subscription, events arrive one at a time, in publish order (the
 *       effect order), none lost and none twice, until the subscription closes. Each subscription
 *       has a FIFO queue drained by at most one thread at a time; listeners never run while a lock
 *       of the hub or (if the backend flushes after releasing it) of the backend is held.
 *   <li><b>Caller-runs</b> ({@code callerRuns}, no executor; the default): the flushing thread
 *       calls the listeners itself, for the events queued up to its own last one: a writer may run
 *       listeners for changes that took effect before its own, never for later ones. Later events
 *       go to the hub's hand-off thread (one daemon thread, started when first needed, ended when
 *       idle for a second and on close). If another thread is delivering to a subscription, the
 *       writer does not wait for it. A change made by a listener on the thread that delivers to
 *       that listener's own subscription is delivered when the listener returns, on that thread.
 *   <li><b>Hand-off</b> ({@code handOff}): the flushing thread never runs user code, neither
 *       listeners nor the failure hook; all of it runs on the hand-off thread or the executor.
 *   <li><b>Executor</b> ({@link org.opennexus.samgr.spi.SamgrConfig#executor()} set): listeners run
 *       only on it. Each flush that queued events for an idle subscription hands it a task; a task
 *       delivers at most 64 events and then hands over a fresh task, so subscriptions sharing a
 *       small pool all progress. An executor that runs the task at once on the calling thread
 *       ({@code Runnable::run}) is detected, and the events are delivered in a loop there, with a
 *       bounded stack. Whatever {@code execute} throws ({@code RejectedExecutionException}, any
 *       {@code RuntimeException}, an {@code Error} such as {@code OutOfMemoryError}) goes to the
 *       failure hook with the first waiting event, never to the writer, and the next change hands
 *       over a task again. A task the executor drops without running it (a discard policy, {@code
 *       shutdownNow}) is reported to the hook once it is garbage collected, with the event it was
 *       to deliver, and handed over again; the next change does so anyway.
 *   <li><b>Failures.</b> Any throwable a listener throws (checked ones thrown sneakily and errors
 *       included) goes to {@link org.opennexus.samgr.spi.SamgrConfig#listenerFailures()} with the
 *       event; an {@code InterruptedException} sets the interrupt flag again. A hook that throws is
 *       logged ({@link System.Logger} {@code org.opennexus.samgr}). The thread that delivers clears
 *       its interrupt flag before each listener call and restores it afterwards, so that a listener
 *       neither sees nor swallows a writer's interrupt.
 *   <li><b>Backlog.</b> At most {@code delivery.max-backlog} events (default 100,000) wait for one
 *       listener. The publish that would exceed it closes that subscription instead, and the flush
 *       reports a {@link org.opennexus.samgr.spi.BacklogOverflowException} with that event to the
 *       hook (in hand-off and executor mode on the hand-off thread): a final, reported loss, never
 *       a blocked writer.
 *   <li><b>Close.</b> No listener call of a subscription starts after its {@code close()} returned.
 *       From inside a listener of any samgr registry, closing a subscription or a hub never waits.
 *       From outside, a subscription's {@code close()} waits until its listener call in flight has
 *       returned, and every hub {@code close()} (however many threads call it) waits until no
 *       listener call of the hub is in flight, whatever closed the subscriptions before (the user,
 *       another listener, a backlog overflow). The waits are interruptible: interrupted, they stop
 *       waiting, keep the flag and return. A closed hub holds no subscription, listener or waiter,
 *       and a closed subscription neither its listener nor its events.
 *   <li><b>await</b> is woken by {@code publish} itself, not by a listener, so an {@code await}
 *       inside a listener returns when the name is registered, whatever thread delivers.
 * </ul>
 *
 * <p>The TCK's {@code DeliveryContract} (and its parts) and {@code ExpiryRaceContract} check a
 * backend against these rules.
 */
@NullMarked
package org.opennexus.samgr.spi;

import org.jspecify.annotations.NullMarked;
