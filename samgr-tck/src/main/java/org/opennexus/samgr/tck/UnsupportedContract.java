package org.opennexus.samgr.tck;

/**
 * The contract of a backend that refuses every registry operation (such as the {@code os} stub):
 * each one applies the shared argument rules and then throws {@link
 * org.opennexus.samgr.SamgrError.Unsupported} naming the operation and the environment.
 */
public interface UnsupportedContract extends Contract, ArgumentContract {}
