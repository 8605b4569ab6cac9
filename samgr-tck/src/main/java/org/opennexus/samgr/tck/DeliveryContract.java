package org.opennexus.samgr.tck;

/**
 * The delivery rules every backend meets, in parts, one per concern: {@link
 * ListenerFailureContract}, {@link CloseContract}, {@link CloseWaitContract}, {@link
 * CloseStressContract}, {@link ExecutorContract}, {@link ExecutorFailureContract} and {@link
 * BacklogAndBudgetContract}. A backend built on {@link org.opennexus.samgr.spi.EventHub} meets them
 * all.
 */
public interface DeliveryContract
    extends ListenerFailureContract,
        CloseContract,
        CloseWaitContract,
        CloseStressContract,
        ExecutorContract,
        ExecutorFailureContract,
        BacklogAndBudgetContract {}
