// Black-box tests of samgr: they reach the backends only through Samgr, as users do.
open module org.opennexus.samgr.tests {
  requires org.opennexus.samgr;
  requires org.opennexus.samgr.tck;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
}
