/**
 * The {@code zookeeper} samgr backend: one registry shared by every process (and machine) that
 * opens it with the same settings, kept in Apache ZooKeeper through Apache Curator.
 *
 * <p>Put the {@code samgr-zookeeper} jar, Curator and ZooKeeper on the class path and open it with
 * {@code Samgr.builder().environment("zookeeper").setting("zookeeper.connect", "host:2181")}, and
 * use the {@code org.opennexus.samgr} API. Besides the provider, this package's one public class
 * is {@link org.opennexus.samgr.zookeeper.EmbeddedZooKeeper}: a ZooKeeper server inside the JVM,
 * for tools, tests and benchmarks ({@code zookeeper.connect=embedded} and {@code samgr serve} run
 * it too). The jar has no {@code
 * module-info} (ZooKeeper 3.9 cannot be a module: its two jars split packages, ZOOKEEPER-4330, and
 * Curator has no module name), so its manifest names the automatic module {@code
 * org.opennexus.samgr.zookeeper}: a modular application keeps the API on the module path and
 * puts this jar with Curator and ZooKeeper on the class path.
 *
 * <h2>Settings</h2>
 *
 * <p>Read with {@link org.opennexus.samgr.spi.SamgrConfig#setting}: the builder's {@code
 * setting(key, value)}, else the system property {@code samgr.<key>}, else the environment
 * variable {@code SAMGR_<KEY>}. A malformed value fails {@code open()} with {@link
 * IllegalArgumentException} naming the key and its source.
 *
 * <ul>
 *   <li>{@code zookeeper.connect} (required): {@code host:port[,host:port...][/chroot]}, or {@code
 *       embedded}: a ZooKeeper server inside this JVM on a free loopback port, shared by every
 *       registry this JVM opens with {@code embedded} and stopped (its data deleted) when the last
 *       of them closes. While it runs, the system property {@code samgr.zookeeper.embedded.connect}
 *       holds its connect string ({@code 127.0.0.1:<port>}): pass that to another process as its
 *       {@code zookeeper.connect} to let it join the registry. Missing: {@link
 *       IllegalStateException} saying how to set it.
 *   <li>{@code zookeeper.namespace} (default {@code samgr}): the root node; two namespaces are two
 *       registries.
 *   <li>{@code zookeeper.session-timeout} (default {@code 15s}): the ZooKeeper session timeout,
 *       which bounds how late a dead process's services are announced {@code Expired}.
 *   <li>{@code zookeeper.operation-timeout} (default {@code 10s}): how long an operation may wait
 *       for the ensemble before {@link org.opennexus.samgr.SamgrError.Unavailable}; also the bound
 *       on connecting at {@code open()}.
 *   <li>{@code zookeeper.auth}: digest credentials {@code user:password}. Every node this client
 *       creates then lets only these credentials change it; reads stay open unless {@code
 *       zookeeper.read-auth=true}. A client without them gets {@link
 *       org.opennexus.samgr.SamgrError.Denied} from every change, and changes nothing.
 * </ul>
 *
 * <h2>Data in ZooKeeper</h2>
 *
 * <p>Under the namespace: {@code records/<name>}, one persistent node per name that was ever
 * registered, <em>never deleted</em> ({@code unregister} writes a tombstone into it), and {@code
 * clients/<session>}, one ephemeral node per open client session that has written. Names are
 * encoded as node names (letters, digits, {@code . - _} kept, other UTF-8 bytes as {@code %XX}).
 * Every change is a compare-and-set: {@code setData} with the version that was read (only the
 * first register of a name creates its node), so no fenced operation can land on a newer
 * incarnation, and none can be lost to a concurrent one.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>Generations</b> are the zxid (ZooKeeper transaction id) of the register or restart
 *       write: positive, strictly increasing across the ensemble, never reused. Since record nodes
 *       are never deleted, their versions never restart, which rules out the ABA of a scheme that
 *       recreates a node per incarnation.
 *   <li><b>Writes</b> are linearizable, in ZooKeeper's order. A client serializes its own writes,
 *       so its own changes take effect, and reach its own listeners, in the order they return.
 *   <li><b>Reads</b> ({@code resolve}, {@code find}, {@code services}, {@code liveness}, the first
 *       events of a watch) are served from a local view. A client sees its own changes as soon as
 *       they return (the write's result is applied to the view before the call returns); other
 *       clients' changes after propagation. The view never goes back: per name it only moves to
 *       newer versions. Errors a change reports ({@code Duplicate}, {@code NotFound}, {@code
 *       StaleHandle}) are confirmed by a fresh read from the ensemble, not taken from the view.
 *   <li><b>The view is fed</b> by one persistent recursive watch on the namespace: a changed
 *       record is read in the background and applied, unless the view already holds the version
 *       the watch event's zxid names (ZooKeeper 3.9 servers send it): a client does not read
 *       back its own writes (except one whose answer was lost, and in the reload after a
 *       reconnection). With an older server every change is read. Versions are ordered by
 *       zxid, so a record node deleted and made anew by hand is not taken for an old one. The watch is set on the
 *       ZooKeeper handle Curator manages, not through Curator's {@code PersistentWatcher}, whose
 *       events (Curator 5.9) are copies without the zxid; it is set again, and the namespace
 *       reloaded, whenever Curator reports the connection made again.
 *   <li><b>Liveness</b> is exact for the client that heartbeats: it keeps its heartbeats locally
 *       and writes one to ZooKeeper only when the written one is a quarter of the liveness timeout
 *       old (F), or the service had expired. Other clients therefore see a heartbeat at most F
 *       (plus propagation) late, so a service heartbeating at least every three quarters of the
 *       liveness timeout is never announced expired by another client's clock. Clocks of
 *       different machines must agree for clock-based liveness across them.
 *   <li><b>Expired</b> is a write: the client that notices an expiry ({@code liveness}, {@code
 *       heartbeat}, {@code sweepExpired}) marks the record with a compare-and-set; of several
 *       clients noticing it, exactly one write lands, and every client derives the one {@code
 *       Expired} event from that write. A process that dies needs nobody to call {@code
 *       sweepExpired}: when its session ends (after {@code zookeeper.session-timeout}, or at once
 *       when it closes), its client node vanishes, every other client sees that, confirms it with
 *       the ensemble and tries the mark, and again exactly one mark lands.
 *   <li><b>Events</b> come from the shared state, per name in generation order. After a
 *       disconnection the client reloads the namespace, and a subscription receives what it
 *       missed, at most coalesced (two restarts may arrive as one {@code Restarted} with the
 *       latest handle), never out of order, ending in the ensemble's state. Delivery is samgr's
 *       shared one ({@link org.opennexus.samgr.spi.Delivery#handOff}), with the rules written on
 *       {@link org.opennexus.samgr.ServiceManager}: listeners never run on a writer's thread or on
 *       Curator's threads, but on the builder's executor or else on the registry's one hand-off
 *       thread ({@code samgr-zookeeper-delivery}); any failure goes to {@code listenerFailures};
 *       each subscription's backlog is bounded by {@code delivery.max-backlog}. Events of one
 *       subscription arrive in order; two subscriptions are delivered independently, so one may be
 *       ahead of the other. {@code await} may be called inside a listener (its own watch is
 *       completed as the event arrives), unless the executor runs tasks on the submitting
 *       thread. Known limits of the one delivery thread: an executor's refusal is reported to
 *       the hook on the thread that queued the event (a writer or a Curator thread); a {@code
 *       watchAll} on more services than the backlog bound overflows at once.
 *   <li><b>{@code close()}</b> closes the subscriptions and the session. It leaves the records in
 *       ZooKeeper: the services stay registered for the other clients, and, as their owner's
 *       session is gone, they are announced {@code Expired}. Record nodes are never deleted; a
 *       namespace is removed with ZooKeeper's own tools when the registry is no longer needed.
 * </ul>
 *
 * <h2>Parts</h2>
 *
 * <p>A client ({@code ZkServiceManager}) coordinates named parts: the view ({@code RecordView}:
 * per name the newest version, ordered by zxid, and the events of each transition), the writer
 * ({@code RecordWriter}: one write at a time, compare-and-set, answers lost and retried), the feed
 * ({@code NamespaceFeed}: the watch and the reloads), the session reaper ({@code SessionReaper}:
 * whose client node vouches for which services, and the expiry of dead owners' services), the
 * liveness rules ({@code Heartbeats}), and the record ({@code Rec}, whose named transitions are
 * the only way to make a next version) with its codec ({@code RecCodec}). Tests step in through a
 * hooks object given at open ({@code ZkHooks}; production clients get one that does nothing).
 *
 * <h2>Failures</h2>
 *
 * <ul>
 *   <li>Ensemble unreachable at {@code open()}: {@link IllegalStateException} naming the connect
 *       string, after {@code zookeeper.operation-timeout}.
 *   <li>Unreachable during an operation: Curator retries until {@code zookeeper.operation-timeout},
 *       then {@link org.opennexus.samgr.SamgrError.Unavailable} (whether a change took effect is
 *       then unknown: resolve to find out); never a hang.
 *   <li>A change whose first try committed but whose answer was lost (Curator then retries and
 *       meets its own write): every version carries the writer's id and write counter, so the
 *       writer recognises its own write and reports success, never {@code Duplicate} or {@code
 *       StaleHandle}, and the change is never applied twice. If the version has been overwritten
 *       twice since, the outcome is reported as {@code Unavailable}.
 * </ul>
 */
@NullMarked
package org.opennexus.samgr.zookeeper;

import org.jspecify.annotations.NullMarked;
