// Black-box tests of the samgr JUnit extension: they use it only as users do, on the module path
// (and again on the class path); the backends are reached through Samgr.
open module org.opennexus.samgr.junit.tests {
  requires org.opennexus.samgr.junit;
  requires org.junit.jupiter.params;
  requires org.junit.platform.testkit;
}
