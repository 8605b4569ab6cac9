/**
 * The {@code os} samgr backend stub: opens fine and answers every registry operation with {@link
 * org.opennexus.samgr.SamgrError.Unsupported}, so that an OS-style build can never drift into an
 * in-process registry by accident.
 *
 * <p>It exports nothing: use it only through the {@code org.opennexus.samgr} API.
 *
 * @provides org.opennexus.samgr.spi.SamgrBackend the {@code "os"} environment
 */
@org.jspecify.annotations.NullMarked
module org.opennexus.samgr.os {
  requires org.opennexus.samgr;
  requires static org.jspecify;

  provides org.opennexus.samgr.spi.SamgrBackend with
      org.opennexus.samgr.os.OsBackend;
}
