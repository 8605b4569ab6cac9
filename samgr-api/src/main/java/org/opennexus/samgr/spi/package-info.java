/**
 * The service provider interface for samgr backends.
 *
 * <p>A backend is a module that {@code provides org.opennexus.samgr.spi.SamgrBackend with} its
 * provider class (and ships the matching {@code META-INF/services} file for class-path users).
 * The provider class must be public with a public no-argument constructor or a {@code public
 * static provider()} method, as {@link java.util.ServiceLoader} requires, but it and the
 * implementation classes belong in packages the module does not export.
 *
 * <p>A backend must apply {@link org.opennexus.samgr.spi.Arguments} to every name and address it
 * receives, so that a name valid on one backend is valid on all of them, and must meet the
 * contract written on {@link org.opennexus.samgr.ServiceManager}.
 *
 * <h2>Event delivery</h2>
 *
 * <p>The delivery rules (order, failures to {@link
 * org.opennexus.samgr.spi.SamgrConfig#listenerFailures()}, caller-runs with a writer's budget,
 * the optional executor, the backlog bound, when close waits, {@code await}) are written once, in
 * {@link org.opennexus.samgr.spi.Delivery} and {@link
 * org.opennexus.samgr.spi.DeliveredSubscription}; a backend says only which events took effect,
 * in which order. Create one {@code Delivery} per registry; {@code offer} events under the
 * backend's lock (or on its single event thread) in effect order; {@code dispatch} with no lock
 * held; unlink subscriptions in their {@code onClose}; pass the listener {@code watch} receives
 * to {@code subscribe} as it is (so that {@code await} inside a listener works); call {@link
 * org.opennexus.samgr.spi.Delivery#closeAll()} from {@code close()}. The TCK's {@code
 * DeliveryContract} and {@code ExpiryRaceContract} check the result.
 */
@NullMarked
package org.opennexus.samgr.spi;

import org.jspecify.annotations.NullMarked;
