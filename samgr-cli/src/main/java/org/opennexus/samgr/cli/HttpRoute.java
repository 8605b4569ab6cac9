package org.opennexus.samgr.cli;

import java.io.IOException;

/**
 * One page of the dashboard's HTTP listener beside the dashboard's own: it answers {@code GET} and
 * {@code HEAD} with a whole body. Registered in {@link DashboardServer}'s route table, it gets the
 * same limits, {@code Host} check and security headers as the dashboard.
 */
@FunctionalInterface
interface HttpRoute {

  /** The reply to one request. */
  HttpReply get() throws IOException;
}
