/**
 * The samgr API: register named services, resolve them, keep them alive with heartbeats, and
 * restart them under new, higher generations.
 *
 * <p>Start with {@link org.opennexus.samgr.Samgr#open()}, which returns a {@link
 * org.opennexus.samgr.ServiceManager} from the backend that the module path selects.
 *
 * <h2>Conventions that hold across the package</h2>
 *
 * <ul>
 *   <li><b>No nulls.</b> No method accepts or returns {@code null}; a {@code null} argument is
 *       rejected with a {@link java.lang.NullPointerException} whose message names the parameter.
 *   <li><b>Bad input is unchecked.</b> A name must be 1 to {@value
 *       org.opennexus.samgr.spi.Arguments#MAX_NAME_LENGTH} UTF-16 code units, an endpoint address 1
 *       to {@value org.opennexus.samgr.spi.Arguments#MAX_ADDRESS_LENGTH}, neither with ISO control
 *       characters nor unpaired surrogates. Violations throw {@link
 *       java.lang.IllegalArgumentException} naming the rule, before anything changes. The same
 *       rules hold in every backend ({@link org.opennexus.samgr.spi.Arguments}).
 *   <li><b>Registry outcomes are checked.</b> {@link org.opennexus.samgr.SamgrError} is a sealed,
 *       checked exception with exactly four cases, so callers handle them and Java 21+ callers can
 *       {@code switch} over them exhaustively.
 *   <li><b>Precedence.</b> When several things are wrong with one call, the caller learns of them
 *       in this order: bad arguments ({@code NullPointerException}, {@code
 *       IllegalArgumentException}), then a closed manager ({@link
 *       java.lang.IllegalStateException}), then the registry outcome ({@link
 *       org.opennexus.samgr.SamgrError}).
 *   <li><b>Values.</b> {@link org.opennexus.samgr.ServiceHandle}, {@link
 *       org.opennexus.samgr.Endpoint}, {@link org.opennexus.samgr.Generation}, {@link
 *       org.opennexus.samgr.Liveness} and the {@link org.opennexus.samgr.ServiceEvent} records are
 *       immutable records: equal fields mean equal values.
 * </ul>
 */
@NullMarked
package org.opennexus.samgr;

import org.jspecify.annotations.NullMarked;
