/** A tiny modular application: samgr's API on the module path, the backend on the class path. */
module org.opennexus.samgr.zktests.app {
  requires org.opennexus.samgr;
}
