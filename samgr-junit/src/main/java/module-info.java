/**
 * A JUnit Jupiter extension for samgr: each test gets a fresh {@link
 * org.opennexus.samgr.ServiceManager} and the {@link org.opennexus.samgr.ManualClock} it runs on,
 * and the registry is closed after the test.
 *
 * <p>Annotate a test class with {@link org.opennexus.samgr.junit.SamgrTest}, or register a {@link
 * org.opennexus.samgr.junit.SamgrExtension} with {@code @RegisterExtension}. A backend module
 * ({@code org.opennexus.samgr.host} for tests) must be on the test module path.
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr.junit {
  requires transitive org.opennexus.samgr;
  requires transitive org.junit.jupiter.api;
  requires static org.jspecify;

  exports org.opennexus.samgr.junit;
}
