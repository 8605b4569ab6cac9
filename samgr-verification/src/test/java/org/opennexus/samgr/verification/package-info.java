/**
 * Verification layers for samgr beyond the contract suite: a sequential model of the registry
 * ({@link org.opennexus.samgr.verification.RegistryModel}) and an operation vocabulary ({@link
 * org.opennexus.samgr.verification.Op}, {@link org.opennexus.samgr.verification.Vocabulary}) shared
 * by the model-based random tests (over {@code host} and, with {@link
 * org.opennexus.samgr.verification.Generations} mapping ZooKeeper's generations to the model's,
 * over {@code zookeeper}), the Jazzer fuzz tests and the Lincheck specification.
 */
@NullMarked
package org.opennexus.samgr.verification;

import org.jspecify.annotations.NullMarked;
