package org.opennexus.samgr.cli;

import java.time.InstantSource;

/**
 * What the commands take from outside: where registries come from, the clock for relative times and
 * event stamps, and how long the long-running commands run.
 */
record CliContext(RegistryFactory registries, InstantSource clock, Lifetime lifetime) {}
