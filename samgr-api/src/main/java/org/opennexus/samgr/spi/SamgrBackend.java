package org.opennexus.samgr.spi;

import org.opennexus.samgr.ServiceManager;

/**
 * A samgr backend, found with {@link java.util.ServiceLoader} and chosen by its {@link
 * #environment()} name.
 *
 * <p>Declare the provider in the backend's {@code module-info.java}:
 *
 * <pre>{@code
 * module com.example.samgr.mine {
 *   requires org.opennexus.samgr;
 *   provides org.opennexus.samgr.spi.SamgrBackend with com.example.samgr.mine.MyBackend;
 * }
 * }</pre>
 *
 * <p>and, for class-path users, in {@code META-INF/services/org.opennexus.samgr.spi.SamgrBackend}.
 * Keep the provider's package unexported. Constructing a provider must be cheap and must not fail:
 * {@link org.opennexus.samgr.Samgr} constructs every provider present to learn its environment
 * name.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SamgrBackend {

  /**
   * The environment name this backend answers to, such as {@code "host"} or {@code "os"}: what
   * {@code nexus.env} and {@link org.opennexus.samgr.Samgr#open(String)} select it by. It must be
   * constant, non-empty and unique among the backends present.
   *
   * @return the environment name
   */
  String environment();

  /**
   * Opens a new, independent registry. Each call must return a registry that shares nothing with
   * those returned before.
   *
   * @param config the settings from {@link org.opennexus.samgr.Samgr.Builder}; a backend that has
   *     no use for one ignores it
   * @return the new registry, never {@code null}
   */
  ServiceManager open(SamgrConfig config);
}
