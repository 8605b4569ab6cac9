/**
 * The {@code samgr} command line and the live registry dashboard.
 *
 * <p>{@link org.opennexus.samgr.cli.SamgrCli} is the entry point; each subcommand is a class of its
 * own. Commands reach the registry only through a {@link org.opennexus.samgr.cli.RegistryFactory},
 * so that tests run them in-process against any backend; the default factory opens the {@code
 * zookeeper} backend with the {@code --connect} and {@code --namespace} options, falling back to
 * the backend's own settings ({@code SAMGR_ZOOKEEPER_CONNECT} and so on). Exit codes are listed in
 * {@link org.opennexus.samgr.cli.ExitCodes}.
 */
@NullMarked
package org.opennexus.samgr.cli;

import org.jspecify.annotations.NullMarked;
