/**
 * samgr: a service registry for host-side tests and harnesses.
 *
 * <p>The API lives in {@link org.opennexus.samgr}; backend authors implement {@link
 * org.opennexus.samgr.spi.SamgrBackend}. A backend is chosen by what sits on the module path (or
 * class path), the way Open Nexus OS chooses one with {@code --cfg nexus_env}: add {@code
 * org.opennexus.samgr.host} for an in-memory registry, or {@code org.opennexus.samgr.os} for the OS
 * stub, and call {@link org.opennexus.samgr.Samgr#open()}.
 *
 * @uses org.opennexus.samgr.spi.SamgrBackend
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr {
  requires static transitive org.jspecify;

  exports org.opennexus.samgr;
  exports org.opennexus.samgr.spi;

  uses org.opennexus.samgr.spi.SamgrBackend;
}
