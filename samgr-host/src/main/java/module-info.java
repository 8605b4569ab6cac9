/**
 * The {@code host} samgr backend: an in-memory, lock-free-read registry for tests and harnesses.
 *
 * <p>Put this module on the module path (or its jar on the class path) and {@link
 * org.opennexus.samgr.Samgr#open()} finds it. It exports nothing: use it only through the {@code
 * org.opennexus.samgr} API.
 *
 * @provides org.opennexus.samgr.spi.SamgrBackend the {@code "host"} environment
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr.host {
  requires org.opennexus.samgr;
  requires static org.jspecify;

  provides org.opennexus.samgr.spi.SamgrBackend with
      org.opennexus.samgr.host.HostBackend;
}
