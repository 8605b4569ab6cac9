// Black-box tests of samgr: they reach the backends only through Samgr, as users do.
open module org.opennexus.samgr.tests {
  requires org.opennexus.samgr;
  requires org.opennexus.samgr.tck;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  // AllocationTest measures per-thread allocation with com.sun.management.ThreadMXBean.
  requires jdk.management;
  // org.opennexus.samgr reads it only statically; the test module names it for @Nullable.
  requires static org.jspecify;
}
