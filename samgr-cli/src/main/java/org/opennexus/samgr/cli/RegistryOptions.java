package org.opennexus.samgr.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Which registry a command works on. */
final class RegistryOptions {

  @Option(
      names = {"-c", "--connect"},
      paramLabel = "CONNECT",
      description =
          "ZooKeeper connect string (host:port,...), as 'samgr serve' prints it, or 'embedded'"
              + " (a server inside this process). Default: SAMGR_ZOOKEEPER_CONNECT.")
  @Nullable String connect;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description =
          "The registry's root path on the server; two namespaces are two registries."
              + " Default: SAMGR_ZOOKEEPER_NAMESPACE, else samgr.")
  @Nullable String namespace;
}
