/**
 * The {@code zookeeper} samgr backend (placeholder documentation, completed below).
 */
@NullMarked
package org.opennexus.samgr.zookeeper;

import org.jspecify.annotations.NullMarked;
