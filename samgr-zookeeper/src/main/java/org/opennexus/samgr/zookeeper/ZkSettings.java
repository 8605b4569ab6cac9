package org.opennexus.samgr.zookeeper;

import java.time.Duration;
import java.util.Optional;
import org.apache.zookeeper.common.PathUtils;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * The {@code zookeeper.*} settings, read once at open through {@link SamgrConfig#setting} (the
 * builder, then {@code samgr.<key>}, then {@code SAMGR_<KEY>}) and checked before anything
 * connects.
 *
 * @param connect the ZooKeeper connect string, or {@link #EMBEDDED}
 * @param namespace the registry's root node, without its leading slash
 * @param sessionTimeout the ZooKeeper session timeout
 * @param operationTimeout how long an operation may wait for the ensemble
 * @param auth digest credentials {@code user:password}, or {@code null} for none
 * @param readAuth whether reading the registry needs the credentials too
 * @param readOnly whether this client never writes to ZooKeeper (a tool that only looks)
 * @param buckets how many buckets a namespace this client makes spreads its records over
 * @param reloadJitter the window over which a reconnected client spreads its catch-up at random
 */
record ZkSettings(
    String connect,
    String namespace,
    Duration sessionTimeout,
    Duration operationTimeout,
    @Nullable String auth,
    boolean readAuth,
    boolean readOnly,
    int buckets,
    Duration reloadJitter) {

  static final String CONNECT = "zookeeper.connect";
  static final String NAMESPACE = "zookeeper.namespace";
  static final String SESSION_TIMEOUT = "zookeeper.session-timeout";
  static final String OPERATION_TIMEOUT = "zookeeper.operation-timeout";
  static final String AUTH = "zookeeper.auth";
  static final String READ_AUTH = "zookeeper.read-auth";
  static final String READ_ONLY = "zookeeper.read-only";
  static final String BUCKETS = "zookeeper.buckets";
  static final String RELOAD_JITTER = "zookeeper.reload-jitter";

  /** The connect string that starts a JVM-wide in-process server. */
  static final String EMBEDDED = "embedded";

  static final String DEFAULT_NAMESPACE = "samgr";
  static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_BUCKETS = 1024;
  static final Duration DEFAULT_RELOAD_JITTER = Duration.ofSeconds(1);

  /**
   * Reads and checks every setting.
   *
   * @throws IllegalStateException if {@code zookeeper.connect} is not set anywhere
   * @throws IllegalArgumentException if a value is malformed; the message names the key and where
   *     the value came from
   */
  static ZkSettings from(SamgrConfig config) {
    SamgrConfig.Setting connect =
        config
            .setting(CONNECT)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the 'zookeeper' samgr backend needs to know its ZooKeeper ensemble: set '"
                            + CONNECT
                            + "' to a connect string such as 'localhost:2181' (or to '"
                            + EMBEDDED
                            + "' for an in-process server) with Samgr.builder().setting(\""
                            + CONNECT
                            + "\", ...), the system property "
                            + SamgrConfig.PROPERTY_PREFIX
                            + CONNECT
                            + " or the environment variable "
                            + SamgrConfig.variableName(CONNECT)));
    String connectString = checkConnect(connect);
    String namespace =
        config.setting(NAMESPACE).map(ZkSettings::checkNamespace).orElse(DEFAULT_NAMESPACE);
    Duration session = duration(config.setting(SESSION_TIMEOUT), DEFAULT_SESSION_TIMEOUT);
    Duration operation = duration(config.setting(OPERATION_TIMEOUT), DEFAULT_OPERATION_TIMEOUT);
    Optional<SamgrConfig.Setting> auth = config.setting(AUTH);
    auth.ifPresent(ZkSettings::checkAuth);
    Optional<SamgrConfig.Setting> readAuth = config.setting(READ_AUTH);
    boolean read = readAuth.map(SamgrConfig.Setting::asBoolean).orElse(false);
    if (read && auth.isEmpty()) {
      throw readAuth.get().invalid("needs credentials in '" + AUTH + "' as well");
    }
    boolean readOnly = config.setting(READ_ONLY).map(SamgrConfig.Setting::asBoolean).orElse(false);
    int buckets = config.setting(BUCKETS).map(ZkSettings::checkBuckets).orElse(DEFAULT_BUCKETS);
    Duration jitter =
        config.setting(RELOAD_JITTER).map(ZkSettings::checkJitter).orElse(DEFAULT_RELOAD_JITTER);
    return new ZkSettings(
        connectString,
        namespace,
        session,
        operation,
        auth.map(SamgrConfig.Setting::value).orElse(null),
        read,
        readOnly,
        buckets,
        jitter);
  }

  private static int checkBuckets(SamgrConfig.Setting setting) {
    int value = setting.asInt();
    if (value < Layout.MIN_BUCKETS || value > Layout.MAX_BUCKETS) {
      throw setting.invalid(
          "must be " + Layout.MIN_BUCKETS + " to " + Layout.MAX_BUCKETS + " buckets");
    }
    return value;
  }

  private static Duration checkJitter(SamgrConfig.Setting setting) {
    if (setting.value().matches("0(ms|s|m|h)?")) {
      return Duration.ZERO; // no jitter: a reconnected client loads at once
    }
    Duration value = setting.asDuration();
    if (value.isNegative() || value.toMillis() > Integer.MAX_VALUE) {
      throw setting.invalid("must be 0 to " + Integer.MAX_VALUE + " milliseconds");
    }
    return value;
  }

  /** Whether this names the JVM-wide in-process server. */
  boolean embedded() {
    return EMBEDDED.equals(connect);
  }

  /** The absolute path of the namespace's root node. */
  String root() {
    return "/" + namespace;
  }

  private static Duration duration(Optional<SamgrConfig.Setting> setting, Duration fallback) {
    if (setting.isEmpty()) {
      return fallback;
    }
    Duration value = setting.get().asDuration();
    if (value.toMillis() > Integer.MAX_VALUE) {
      throw setting.get().invalid("must be at most " + Integer.MAX_VALUE + " milliseconds");
    }
    if (value.toMillis() < 1) {
      throw setting.get().invalid("must be at least one millisecond");
    }
    return value;
  }

  private static String checkConnect(SamgrConfig.Setting setting) {
    String value = setting.value();
    if (EMBEDDED.equals(value)) {
      return value;
    }
    String hosts = value;
    int slash = value.indexOf('/');
    if (slash >= 0) {
      hosts = value.substring(0, slash);
      String chroot = value.substring(slash);
      try {
        PathUtils.validatePath(chroot);
      } catch (IllegalArgumentException e) {
        throw setting.invalid("has a bad chroot path '" + chroot + "': " + e.getMessage());
      }
    }
    if (hosts.isEmpty()) {
      throw setting.invalid(
          "names no server; expected host:port[,host:port...] or '" + EMBEDDED + "'");
    }
    for (String server : hosts.split(",", -1)) {
      checkServer(setting, server);
    }
    return value;
  }

  private static void checkServer(SamgrConfig.Setting setting, String server) {
    String expected = "; expected host:port[,host:port...][/chroot] or '" + EMBEDDED + "'";
    if (server.isEmpty() || server.chars().anyMatch(Character::isWhitespace)) {
      throw setting.invalid("has an empty or blank server entry '" + server + "'" + expected);
    }
    int colon = server.lastIndexOf(':');
    boolean bracketed = server.startsWith("[");
    if (bracketed && server.indexOf(']') < 0) {
      throw setting.invalid("has an unclosed IPv6 address in '" + server + "'" + expected);
    }
    if (colon < 0 || (bracketed && colon < server.indexOf(']'))) {
      return; // no port: ZooKeeper uses 2181
    }
    if (colon == 0) {
      throw setting.invalid("has a server entry without a host, '" + server + "'" + expected);
    }
    String port = server.substring(colon + 1);
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw setting.invalid("has a bad port '" + port + "' in '" + server + "'" + expected);
    }
  }

  private static String checkNamespace(SamgrConfig.Setting setting) {
    String value = setting.value();
    String namespace = value.startsWith("/") ? value.substring(1) : value;
    if (namespace.isEmpty()) {
      throw setting.invalid("must name a node below the root, such as 'samgr'");
    }
    try {
      PathUtils.validatePath("/" + namespace);
    } catch (IllegalArgumentException e) {
      throw setting.invalid("is not a valid ZooKeeper path: " + e.getMessage());
    }
    if (namespace.equals("zookeeper") || namespace.startsWith("zookeeper/")) {
      throw setting.invalid("is inside /zookeeper, which ZooKeeper reserves for itself");
    }
    return namespace;
  }

  private static void checkAuth(SamgrConfig.Setting setting) {
    if (setting.value().indexOf(':') < 1) {
      // Not Setting.invalid: that would echo the value, and this one holds a password.
      throw new IllegalArgumentException(
          "setting "
              + setting.key()
              + " (from "
              + setting.source()
              + ") must be digest credentials 'user:password' (the value is not shown)");
    }
  }
}
