/**
 * The {@code zookeeper} samgr backend: one registry shared by every process (and machine) that
 * opens it with the same settings, kept in Apache ZooKeeper through Apache Curator.
 *
 * <p>Put the {@code samgr-zookeeper} jar, Curator and ZooKeeper on the class path and open it with
 * {@code Samgr.builder().environment("zookeeper").setting("zookeeper.connect", "host:2181")}, and
 * use the {@code org.opennexus.samgr} API. Besides the provider, this package's one public class is
 * {@link org.opennexus.samgr.zookeeper.EmbeddedZooKeeper}: a ZooKeeper server inside the JVM, for
 * tools, tests and benchmarks ({@code zookeeper.connect=embedded} and {@code samgr serve} run it
 * too). The jar has no {@code module-info} (ZooKeeper 3.9 cannot be a module: its two jars split
 * packages, ZOOKEEPER-4330, and Curator has no module name), so its manifest names the automatic
 * module {@code org.opennexus.samgr.zookeeper}: a modular application keeps the API on the module
 * path and puts this jar with Curator and ZooKeeper on the class path.
 *
 * <p>The backend's manual, the single source for its settings ({@code zookeeper.connect}, {@code
 * zookeeper.namespace}, {@code zookeeper.session-timeout}, {@code zookeeper.operation-timeout},
 * {@code zookeeper.auth}, {@code zookeeper.read-auth}, {@code zookeeper.read-only}), the data it
 * keeps in ZooKeeper, its semantics (generations, writes, reads from a local view, liveness, {@code
 * Expired}, events, {@code close()}), its failure modes and its known limits, is <a
 * href="https://github.com/open-nexus-os/samgr-java/blob/main/docs/zookeeper.md">{@code
 * docs/zookeeper.md}</a> in the source repository. The rules every backend keeps are written on
 * {@link org.opennexus.samgr.ServiceManager}; events are delivered by samgr's shared {@link
 * org.opennexus.samgr.spi.EventHub#handOff}.
 *
 * <h2>Liveness</h2>
 *
 * <p>A service's liveness timeout is its own: the client that registers or restarts it writes its
 * {@code livenessTimeout} into the record (record format 3), and every client judges the service by
 * that timeout alone, in {@code liveness}, {@code sweepExpired}, heartbeats and the background
 * announcement of {@code Expired}. A record written by an older version (formats 1 and 2) keeps no
 * timeout and is judged by each reading client's own. Reading ({@code resolve}, {@code find},
 * {@code services}, {@code liveness}) never writes: a service expired but not yet announced reads
 * as not alive, and each client that may write announces {@code Expired} in the background once the
 * service's own timeout has passed, exactly once across all clients. A client opened with {@code
 * zookeeper.read-only=true} never writes at all, and loads the namespace only when an operation
 * first needs the whole view ({@code services}, {@code watch}, {@code watchAll}, {@code await});
 * until then {@code resolve}, {@code find} and {@code liveness} read the one record they are about
 * ({@code OnDemandLoad}).
 *
 * <p>Only the owner of a service (the client whose session wrote its record last) keeps heartbeats
 * unwritten, and judges the service exactly; a heartbeat from any other client is written at once.
 * Every other client sees the written heartbeat, which may be up to a quarter of the timeout older
 * than the owner's newest, and judges by it with that quarter to spare: no client reads a live
 * service as not alive or announces it {@code Expired} before its timeout has passed since the
 * owner's newest heartbeat. The end of an owner's ZooKeeper session (its process died, or the
 * session expired) announces nothing: it only means that nobody vouches for its services, which
 * expire by their own timeouts.
 *
 * <h2>Order of writes</h2>
 *
 * <p>One client writes one name at a time and different names in parallel. Its own writes are
 * applied to its view in the order they took effect (their zxid order: {@code ApplyOrder}), each
 * before its call returns: the changes of one name reach every listener in generation order, and
 * calls ordered one after another (by one thread, a lock or a hand-off between threads) reach the
 * client's listeners in that order, whatever names they change.
 *
 * <h2>Parts</h2>
 *
 * <p>A client ({@code ZkServiceManager}) coordinates named parts: its opening ({@code
 * ClientOpening}: connect, namespace, first load, and what {@code open()} reports), the view
 * ({@code RecordView}: per name the newest version, ordered by zxid within an epoch, held in an
 * open-addressing table that readers search without a lock, {@code RecTable}, and the events of
 * each transition; a version it cannot read is held as an {@code UnreadableRecord}, which every
 * operation on the name reports), the writer ({@code RecordWriter}: one write at a time per name,
 * different names in parallel, applied in zxid order, compare-and-set, answers lost and retried),
 * the layout ({@code Layout}: records spread over hashed buckets, whose count {@code RecordBuckets}
 * writes when it makes the namespace and every client reads), the feed ({@code NamespaceFeed}: the
 * watch, and the loads, {@code NamespaceLoad}, that read the buckets whose stamps, {@code
 * BucketStamps}, changed), the session reaper ({@code SessionReaper}: whose client node vouches for
 * which services, vouching again after a lost session; a dead owner's services expire by their own
 * timeouts), the liveness rules ({@code Heartbeats}), the announcer of expiries by each service's
 * own timeout ({@code ExpiryAnnouncer}), the statistics a metrics scrape reads ({@code ZkStats}:
 * the view's count of services, the backlog, the connection), and the record ({@code Rec}, whose
 * named transitions are the only way to make a next version) with its codec ({@code RecCodec}), the
 * namespace's history ({@code NamespaceHistory}: the {@code Epoch} generations are issued in, and
 * losses of the ensemble's data) and, with {@code zookeeper.auth}, the guard that makes the
 * namespace the credentials' own or refuses it ({@code NamespaceGuard}). Tests step in through a
 * hooks object given at open ({@code ZkHooks}; production clients get one that does nothing).
 */
@NullMarked
package org.opennexus.samgr.zookeeper;

import org.jspecify.annotations.NullMarked;
