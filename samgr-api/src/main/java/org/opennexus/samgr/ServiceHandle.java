package org.opennexus.samgr;

import java.io.Serializable;
import org.opennexus.samgr.spi.Arguments;

/**
 * What a registry returns for a service: its name, endpoint and generation, as of one instant.
 *
 * <p>A handle is a plain value: equal fields mean equal handles, and holding one keeps nothing
 * alive. It stays <em>current</em> until the service is restarted or unregistered; from then on the
 * registry rejects it with {@link SamgrError.StaleHandle} (or {@link SamgrError.NotFound} once the
 * name is gone). Handles are meaningful only to the registry that issued them.
 *
 * @param name the service name, valid by the rules of {@link Arguments}
 * @param endpoint where the service can be reached
 * @param generation the incarnation this handle belongs to
 */
public record ServiceHandle(String name, Endpoint endpoint, Generation generation)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates a handle.
   *
   * @param name the service name
   * @param endpoint the endpoint
   * @param generation the generation
   * @throws NullPointerException if any argument is {@code null}
   * @throws IllegalArgumentException if {@code name} breaks a rule of {@link Arguments}
   */
  public ServiceHandle {
    Arguments.requireName(name);
    Arguments.requireNonNull(endpoint, "endpoint");
    Arguments.requireNonNull(generation, "generation");
  }
}
