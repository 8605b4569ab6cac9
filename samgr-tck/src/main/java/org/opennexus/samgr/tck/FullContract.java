package org.opennexus.samgr.tck;

/**
 * The whole contract, for a backend that keeps a registry (such as {@code host}): every operation
 * of {@link org.opennexus.samgr.ServiceManager} works as documented.
 */
public interface FullContract
    extends RegistryContract,
        ConcurrencyContract,
        HarnessContract,
        HarnessConcurrencyContract,
        ArgumentContract {}
