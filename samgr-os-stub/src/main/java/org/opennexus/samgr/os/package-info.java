/**
 * The {@code os} backend stub. Not exported.
 *
 * <p>Every operation first applies the same argument rules as every backend ({@link
 * org.opennexus.samgr.spi.Arguments}), then the closed check, and then throws {@link
 * org.opennexus.samgr.SamgrError.Unsupported} naming the operation and {@code "os"} ({@code find}
 * and {@code sweepExpired}, which declare no checked exception, throw {@link
 * UnsupportedOperationException} with that {@code Unsupported} as its cause and its message): a
 * name that is valid on {@code host} reaches {@code Unsupported} here, and an invalid one is
 * rejected the same way on both.
 */
@NullMarked
package org.opennexus.samgr.os;

import org.jspecify.annotations.NullMarked;
