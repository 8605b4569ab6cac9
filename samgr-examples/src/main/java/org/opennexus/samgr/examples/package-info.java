/** The runnable example harness; see {@link org.opennexus.samgr.examples.HarnessExample}. */
@NullMarked
package org.opennexus.samgr.examples;

import org.jspecify.annotations.NullMarked;
