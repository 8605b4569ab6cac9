/** A harness that starts services in a samgr registry. */
module com.example.harness {
  requires org.opennexus.samgr;

  exports com.example.harness;
}
