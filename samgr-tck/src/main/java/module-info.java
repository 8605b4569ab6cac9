/**
 * The samgr backend contract suite (TCK): JUnit 5 test interfaces that check a backend against
 * every rule of the samgr contract, through the public API only.
 *
 * <p>A backend's test module implements {@link org.opennexus.samgr.tck.FullContract} (a backend
 * that keeps a registry) or {@link org.opennexus.samgr.tck.UnsupportedContract} (a backend that
 * refuses every operation, like the {@code os} stub), naming its environment.
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr.tck {
  requires transitive org.opennexus.samgr;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;

  exports org.opennexus.samgr.tck;
}
