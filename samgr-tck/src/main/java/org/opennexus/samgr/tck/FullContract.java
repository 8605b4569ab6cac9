package org.opennexus.samgr.tck;

/**
 * The whole contract, for a backend that keeps a registry (such as {@code host} and {@code
 * zookeeper}): every operation of {@link org.opennexus.samgr.ServiceManager} works as documented,
 * and events are delivered by the rules of DESIGN.md ({@link DeliveryContract}, {@link
 * ExpiryRaceContract}).
 */
public interface FullContract
    extends RegistryContract,
        ConcurrencyContract,
        HarnessContract,
        HarnessConcurrencyContract,
        ArgumentContract,
        DeliveryContract,
        ExpiryRaceContract {}
