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
 */
@NullMarked
package org.opennexus.samgr.spi;

import org.jspecify.annotations.NullMarked;
