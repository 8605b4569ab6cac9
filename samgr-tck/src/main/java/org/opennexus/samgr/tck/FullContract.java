package org.opennexus.samgr.tck;

/**
 * The whole contract, for a backend that keeps a registry (such as {@code host} and {@code
 * zookeeper}): every operation of {@link org.opennexus.samgr.ServiceManager} works as documented,
 * on one thread and under races, and events are delivered by the delivery rules ({@link
 * DeliveryContract}, {@link ExpiryRaceContract}).
 *
 * <p>It is made of one tester per operation, which a backend may also implement one by one:
 *
 * <ul>
 *   <li>{@link RegisterContract}, {@link ResolveContract}, {@link FindContract}, {@link
 *       HeartbeatContract}, {@link RestartContract}, {@link UnregisterContract}, {@link
 *       ServicesContract}: the registry's operations and every error they document;
 *   <li>{@link LivenessContract}, {@link ClockRangeContract}, {@link ExpiryContract}: liveness on a
 *       manual clock, exact to the ends of the clock's range, and the {@code Expired} event;
 *   <li>{@link WatchContract}, {@link SubscriptionContract}, {@link AwaitContract}: watching;
 *   <li>{@link LifecycleContract}: opening and closing a registry;
 *   <li>{@link ArgumentContract}: the bad-input catalogue;
 *   <li>{@link ConcurrencyContract}, {@link FencingRaceContract}, {@link WatchRaceContract}, {@link
 *       SubscriptionRaceContract}, {@link AwaitRaceContract}, {@link ExpiryRaceContract}: the same
 *       operations racing on real threads;
 *   <li>{@link DeliveryContract}: listener failures, the close rules, the executor, the backlog
 *       bound and memory after close.
 * </ul>
 */
public interface FullContract
    extends RegisterContract,
        ResolveContract,
        FindContract,
        HeartbeatContract,
        RestartContract,
        UnregisterContract,
        ServicesContract,
        LivenessContract,
        ClockRangeContract,
        ExpiryContract,
        WatchContract,
        SubscriptionContract,
        AwaitContract,
        LifecycleContract,
        ArgumentContract,
        ConcurrencyContract,
        FencingRaceContract,
        WatchRaceContract,
        SubscriptionRaceContract,
        AwaitRaceContract,
        ExpiryRaceContract,
        DeliveryContract {}
