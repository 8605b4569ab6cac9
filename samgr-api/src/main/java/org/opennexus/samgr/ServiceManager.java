package org.opennexus.samgr;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A registry of named services: register them, resolve them, keep them alive with heartbeats,
 * restart them under new generations, and watch them change.
 *
 * <p>Obtain one with {@link Samgr#open()}; each call returns a new registry that shares nothing
 * with any other. Close it when done.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Thread safety and linearizability.</b> Every method may be called from any thread, and
 *       every operation takes effect atomically at one instant between its call and its return.
 *   <li><b>Generations.</b> Every {@code register} and every {@code restart} takes a new value from
 *       one registry-wide, strictly increasing counter, so generations are unique within a registry
 *       and a handle of an earlier incarnation never becomes valid again, not even after an {@code
 *       unregister} and a new {@code register} of the same name.
 *   <li><b>Errors.</b> Registry outcomes are the checked {@link SamgrError} cases named on each
 *       method. Every method that declares {@code SamgrError} throws {@link SamgrError.Unsupported}
 *       where the backend cannot perform it; the {@code os} backend throws it from all of them.
 *   <li><b>Lambdas and streams.</b> {@link #find} and {@link #sweepExpired()} have no registry
 *       outcome to report (no name is "not found" for {@code find}; a sweep that finds nothing
 *       returns an empty list), so they declare no checked exception and fit where a {@link
 *       java.util.function.Function} or a {@link Runnable} is expected: {@code
 *       names.stream().map(samgr::find)}, {@code scheduler.scheduleAtFixedRate(samgr::sweepExpired,
 *       1, 1, SECONDS)}. A backend that cannot perform them (the {@code os} backend) throws {@link
 *       UnsupportedOperationException}, the JDK's exception for an optional operation, whose cause
 *       is the {@link SamgrError.Unsupported} the other methods throw and whose message is its
 *       message.
 *   <li><b>Fencing.</b> The operations that take a handle ({@link #heartbeat}, {@link #unregister},
 *       {@link #restart(ServiceHandle, Endpoint)}) accept it when its name is registered and its
 *       generation is the current one. Since generations are unique within a registry, that
 *       identifies the incarnation; the handle's endpoint is not compared.
 *   <li><b>Bad input</b> ({@code null}, or a name or address that breaks the rules of {@link
 *       org.opennexus.samgr.spi.Arguments}) throws {@link NullPointerException} or {@link
 *       IllegalArgumentException} before anything changes.
 *   <li><b>Names cannot deceive.</b> A name (1 to 256 UTF-16 code units) and an endpoint address (1
 *       to 4096) may hold any text but ISO control characters, unpaired surrogates, invisible or
 *       bidirectional-control characters (Unicode format characters, category Cf, such as U+200B
 *       ZERO WIDTH SPACE or U+202E RIGHT-TO-LEFT OVERRIDE, and U+2028 and U+2029),
 *       default-ignorable characters (such as the variation selector U+FE0F or the Hangul filler
 *       U+3164) and U+2800 BRAILLE PATTERN BLANK, and neither may start with a combining mark. So
 *       nothing in a name is hidden, nothing reorders what shows and nothing combines with what is
 *       printed before it (look-alike letters of other scripts remain possible). Every backend
 *       refuses the others at {@code register}, {@code restart} and every other call that takes a
 *       name, with an {@link IllegalArgumentException} whose message names the rule and the
 *       character's code. Names may contain spaces: output for people quotes them.
 *   <li><b>After {@link #close()}</b>, every method but {@link #environment()} and {@code close()}
 *       throws {@link IllegalStateException}.
 *   <li><b>Liveness.</b> A service is alive while its last heartbeat (register and restart count as
 *       heartbeats) is at most the liveness timeout old by the registry's clock. The move to not
 *       alive is noticed without any background thread: by the next call that looks at the service
 *       ({@link #heartbeat}, {@link #liveness}) or by {@link #sweepExpired()}, which a harness
 *       calls after advancing a manual clock, or on a schedule of its own. The rule is exact for
 *       every timeout ({@link Samgr.Builder#livenessTimeout}, counted in whole milliseconds,
 *       rounded up) and every pair of clock readings the registry accepts: from {@link
 *       org.opennexus.samgr.spi.LivenessClock#MIN_MILLIS} to {@link
 *       org.opennexus.samgr.spi.LivenessClock#MAX_MILLIS} epoch milliseconds. An operation that
 *       reads the clock ({@code register}, both {@code restart}s, {@code heartbeat}, {@code
 *       liveness}, {@code sweepExpired}) while it reads outside that range throws {@link
 *       java.time.DateTimeException} and changes nothing.
 * </ul>
 *
 * <h2>Events</h2>
 *
 * <p>{@link #watch} and {@link #watchAll} deliver {@link ServiceEvent}s. Every backend delivers
 * through {@link org.opennexus.samgr.spi.EventHub}, so these rules hold for all of them:
 *
 * <ul>
 *   <li><b>Order.</b> For one subscription, events arrive one at a time, in the order the changes
 *       took effect, none lost and none twice, until it is closed.
 *   <li><b>No lock.</b> Listeners never run while the registry holds a lock, and may call the
 *       registry, closing included.
 *   <li><b>Failures.</b> Any {@link Throwable} a listener throws (checked exceptions thrown
 *       sneakily and errors included) goes to the hook set with {@link
 *       Samgr.Builder#listenerFailures} (default: a warning logged with {@link System.Logger}
 *       {@code org.opennexus.samgr}), never to the thread that made the change; later events still
 *       reach that listener and every other.
 *   <li><b>Caller-runs (the default).</b> The thread that made a change runs the listeners after
 *       the registry released its locks, before its call returns, for the events pending when it
 *       dispatched, its own included: a writer may run listeners for changes that took effect
 *       before its own, never for later ones; those go to the registry's hand-off thread (one
 *       daemon thread, started when needed, ended when idle and on {@link #close()}). A writer
 *       never waits for another thread's delivery. A change a listener makes is delivered by the
 *       same thread when that listener returns. The writer's interrupt flag is cleared while
 *       listeners run and restored afterwards. Cost: a slow listener delays the writer whose event
 *       it handles, and the hand-off thread, which all subscriptions share.
 *   <li><b>Executor</b> ({@link Samgr.Builder#executor}): listeners run only on it, never on a
 *       writer's thread, so a slow listener never delays a writer. A rejected task loses nothing:
 *       the rejection goes to the failure hook and the next change to that subscription retries.
 *   <li><b>Backlog.</b> At most {@code delivery.max-backlog} events (a setting, default 100,000)
 *       wait for one listener; the change that would exceed it closes that subscription and the
 *       failure hook receives {@link org.opennexus.samgr.spi.BacklogOverflowException}. Writers are
 *       never blocked.
 *   <li><b>Closing.</b> After {@link Subscription#close()} or {@link #close()} returns, no listener
 *       call of theirs starts. Called from outside every samgr listener, both wait (interruptibly)
 *       for calls in flight on other threads; called from inside any samgr listener, they never
 *       wait, so listeners that close each other's subscriptions, or the registry, cannot deadlock.
 * </ul>
 *
 * <p>These rules are about the listeners you pass. {@link #await} waits through a watch of its own,
 * whose listener runs no user code (it completes the wait) and is called as the event is offered,
 * on the thread that makes the change, so that {@code await} may be called inside a listener.
 */
public interface ServiceManager extends AutoCloseable {

  /**
   * Registers a new service.
   *
   * @param name the service name
   * @param endpoint where the service can be reached
   * @return the handle of the new service, with a new generation
   * @throws SamgrError.Duplicate if {@code name} is already registered; nothing changes
   * @throws SamgrError.Unsupported if the backend cannot register services
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   */
  ServiceHandle register(String name, Endpoint endpoint) throws SamgrError;

  /**
   * Returns the current handle of a service: its latest endpoint and generation.
   *
   * @param name the service name
   * @return the current handle
   * @throws SamgrError.NotFound if {@code name} is not registered
   * @throws SamgrError.Unsupported if the backend cannot resolve services
   * @throws NullPointerException if {@code name} is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   */
  ServiceHandle resolve(String name) throws SamgrError;

  /**
   * Returns the current handle of a service, or an empty {@code Optional} if none is registered
   * under {@code name}: {@link #resolve} without the exception, for polling and streams. It
   * declares no checked exception, so {@code names.stream().map(samgr::find)} compiles.
   *
   * @param name the service name
   * @return the current handle, or empty
   * @throws UnsupportedOperationException if the backend cannot look up services; its cause is the
   *     {@link SamgrError.Unsupported} naming {@code "find"}
   * @throws NullPointerException if {@code name} is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   */
  Optional<ServiceHandle> find(String name);

  /**
   * Refreshes the liveness of the handle's generation. If the service had already turned not alive
   * unnoticed, {@link ServiceEvent.Expired} is sent first, then the service is alive again.
   *
   * @param handle the current handle of the service
   * @throws SamgrError.NotFound if the handle's name is not registered
   * @throws SamgrError.StaleHandle if the handle's generation is not the current one
   * @throws SamgrError.Unsupported if the backend cannot take heartbeats
   * @throws NullPointerException if {@code handle} is {@code null}
   * @throws IllegalStateException if this manager is closed
   */
  void heartbeat(ServiceHandle handle) throws SamgrError;

  /**
   * Restarts a service unconditionally: gives it a new, higher generation and a new endpoint, and
   * refreshes its liveness. Every handle of an earlier generation becomes stale. The new generation
   * starts alive; if the old one had expired unnoticed, no {@link ServiceEvent.Expired} is sent for
   * it, as the {@link ServiceEvent.Restarted} event supersedes it.
   *
   * @param name the service name
   * @param endpoint the endpoint of the new incarnation
   * @return the new handle
   * @throws SamgrError.NotFound if {@code name} is not registered
   * @throws SamgrError.Unsupported if the backend cannot restart services
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   * @see #restart(ServiceHandle, Endpoint)
   */
  ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError;

  /**
   * Restarts a service only if {@code current} is still its current handle, like a compare-and-set
   * on the generation: of several supervisors racing to restart one service with the handle they
   * hold, exactly one wins and the others get {@link SamgrError.StaleHandle}.
   *
   * @param current the handle the caller believes is current
   * @param endpoint the endpoint of the new incarnation
   * @return the new handle
   * @throws SamgrError.NotFound if the handle's name is not registered
   * @throws SamgrError.StaleHandle if {@code current}'s generation is not the current one; nothing
   *     changes
   * @throws SamgrError.Unsupported if the backend cannot restart services
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalStateException if this manager is closed
   */
  ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError;

  /**
   * Removes a service. Only its current generation may do it; the name may be registered again
   * later, under a new, higher generation.
   *
   * @param handle the current handle of the service
   * @throws SamgrError.NotFound if the handle's name is not registered
   * @throws SamgrError.StaleHandle if the handle's generation is not the current one; nothing
   *     changes
   * @throws SamgrError.Unsupported if the backend cannot unregister services
   * @throws NullPointerException if {@code handle} is {@code null}
   * @throws IllegalStateException if this manager is closed
   */
  void unregister(ServiceHandle handle) throws SamgrError;

  /**
   * Returns every registered service, as of one instant, sorted by name ({@link String#compareTo}).
   *
   * @return an unmodifiable list of the current handles
   * @throws SamgrError.Unsupported if the backend cannot list services
   * @throws IllegalStateException if this manager is closed
   */
  List<ServiceHandle> services() throws SamgrError;

  /**
   * Returns the liveness of a service now, by the registry's clock. If this call notices that the
   * service has turned not alive, {@link ServiceEvent.Expired} is sent.
   *
   * @param name the service name
   * @return the service's current handle, last heartbeat and whether it is alive
   * @throws SamgrError.NotFound if {@code name} is not registered
   * @throws SamgrError.Unsupported if the backend does not track liveness
   * @throws NullPointerException if {@code name} is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   */
  Liveness liveness(String name) throws SamgrError;

  /**
   * Checks every service's liveness now and sends {@link ServiceEvent.Expired} for each one that
   * has turned not alive since that was last noticed, in name order. Call it after advancing a
   * manual clock, or from a scheduled task of your own; the registry runs no background thread.
   *
   * <p>It declares no checked exception, so it can be scheduled as it is: {@code
   * scheduler.scheduleAtFixedRate(samgr::sweepExpired, 1, 1, TimeUnit.SECONDS)}.
   *
   * @return the handles of the services this call found expired, sorted by name
   * @throws UnsupportedOperationException if the backend does not track liveness; its cause is the
   *     {@link SamgrError.Unsupported} naming {@code "sweepExpired"}
   * @throws java.time.DateTimeException if the clock reads outside the range the registry accepts
   *     (see the class documentation)
   * @throws IllegalStateException if this manager is closed
   */
  List<ServiceHandle> sweepExpired();

  /**
   * Subscribes {@code listener} to the events of one name. If the name is registered when the watch
   * starts, the first event is {@link ServiceEvent.Registered} with the current handle. The name
   * need not be registered, and stays watched across unregister and register.
   *
   * @param name the service name
   * @param listener receives the events, one at a time (see the class documentation)
   * @return the subscription; close it to stop the events
   * @throws SamgrError.Unsupported if the backend cannot deliver events
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name
   * @throws IllegalStateException if this manager is closed
   */
  Subscription watch(String name, Consumer<ServiceEvent> listener) throws SamgrError;

  /**
   * Subscribes {@code listener} to the events of every name. The subscription starts with a {@link
   * ServiceEvent.Registered} event for each service registered when it starts, in name order.
   *
   * @param listener receives the events, one at a time (see the class documentation)
   * @return the subscription; close it to stop the events
   * @throws SamgrError.Unsupported if the backend cannot deliver events
   * @throws NullPointerException if {@code listener} is {@code null}
   * @throws IllegalStateException if this manager is closed
   */
  Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError;

  /**
   * Waits until a service is registered under {@code name} and returns its handle: at once if it
   * already is, otherwise as soon as it is registered. Waiting is driven by the registry's own
   * events, not by polling. A zero timeout checks once. It may be called inside a listener: the
   * event it waits for does not wait for that listener to return (on samgr's own backends, in every
   * delivery mode, unless the builder's executor runs tasks on the thread that submits them); it
   * blocks the thread that runs that listener, and the listeners behind it there, while it waits.
   *
   * @param name the service name
   * @param timeout how long to wait at most; zero or more
   * @return the current handle as of the moment the name was found registered
   * @throws SamgrError.NotFound if the timeout passes first; its message names the timeout
   * @throws SamgrError.Unsupported if the backend cannot wait for services
   * @throws InterruptedException if the thread is interrupted before or while waiting
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name or {@code timeout} is
   *     negative
   * @throws IllegalStateException if this manager is closed, before or while waiting
   */
  ServiceHandle await(String name, Duration timeout) throws SamgrError, InterruptedException;

  /**
   * Returns the backend's environment name, such as {@code "host"} or {@code "os"}. It never
   * changes and is answered even after {@link #close()}.
   *
   * @return the environment name
   */
  String environment();

  /**
   * Releases what the backend holds: closes every subscription (queued events are dropped, and no
   * listener call starts afterwards) and wakes every {@link #await} with {@link
   * IllegalStateException}. Afterwards every operation throws {@link IllegalStateException}, and
   * the registry keeps no listener, subscription or waiter reachable.
   *
   * <p>Waiting: called from outside every samgr listener, it first closes all subscriptions, then
   * waits until no listener call of this registry is in flight on another thread, so that after it
   * returns no listener code of this registry runs. The wait is interruptible: if the thread is
   * interrupted, it stops waiting, keeps the interrupt flag set and returns. Called from inside a
   * listener of any samgr registry, it never waits. Closing twice has no further effect; only the
   * first call waits.
   */
  @Override
  void close();
}
