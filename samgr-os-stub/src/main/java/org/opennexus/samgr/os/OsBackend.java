package org.opennexus.samgr.os;

import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * The {@code os} backend stub's provider, found by {@link java.util.ServiceLoader}. Its package is
 * not exported: reach it through {@link org.opennexus.samgr.Samgr}.
 */
public final class OsBackend implements SamgrBackend {

  /** The environment name of this backend. */
  static final String ENVIRONMENT = "os";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public OsBackend() {}

  /**
   * Returns {@code "os"}.
   *
   * @return {@code "os"}
   */
  @Override
  public String environment() {
    return ENVIRONMENT;
  }

  /**
   * Opens a registry that refuses every operation with {@link
   * org.opennexus.samgr.SamgrError.Unsupported} (directly, or as the cause of an {@link
   * UnsupportedOperationException} from the operations that declare no checked exception).
   *
   * @param config ignored: the stub keeps no time
   * @return the new registry
   */
  @Override
  public ServiceManager open(SamgrConfig config) {
    return new OsServiceManager();
  }
}
