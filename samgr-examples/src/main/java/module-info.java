/**
 * A runnable example harness for samgr. It names no backend: the one on the module path is used.
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr.examples {
  requires org.opennexus.samgr;
  requires static org.jspecify;
}
