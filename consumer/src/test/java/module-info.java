/** The harness's tests, on the module path. */
open module com.example.harness.tests {
  requires com.example.harness;
  requires org.opennexus.samgr.junit;
}
