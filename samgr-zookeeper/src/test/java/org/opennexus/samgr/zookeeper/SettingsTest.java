package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.spi.SamgrConfig;

/** Bad settings fail {@code open()} before anything connects, naming the key and its source. */
class SettingsTest {

  private static String msg(Throwable e) {
    return String.valueOf(e.getMessage());
  }

  private static SamgrConfig config(Map<String, String> settings) {
    return SamgrConfig.builder().settings(settings).build();
  }

  @Test
  void missingConnectStringSaysHowToSetIt() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Samgr.builder().environment("zookeeper").open());
    String message = msg(e);
    assertTrue(message.contains("zookeeper.connect"), message);
    assertTrue(message.contains("samgr.zookeeper.connect"), message);
    assertTrue(message.contains("SAMGR_ZOOKEEPER_CONNECT"), message);
    assertTrue(message.contains("embedded"), message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:",
        "host:0",
        "host:65536",
        "host:abc",
        "a:1,,b:2",
        ",",
        "host 1:2181",
        "/chroot",
        "[::1:2181",
        ":2181",
        "host:2181/bad/",
        "host:2181/a//b"
      })
  void malformedConnectStringIsRejectedNamingKeyAndSource(String connect) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ZkSettings.from(config(Map.of("zookeeper.connect", connect))));
    assertTrue(
        msg(e)
            .startsWith(
                "setting zookeeper.connect (from builder setting 'zookeeper.connect') '"
                    + connect
                    + "'"),
        msg(e));
  }

  @Test
  void wellFormedConnectStringsAreAccepted() {
    for (String connect :
        List.of(
            "embedded",
            "localhost:2181",
            "a:1,b:2,c:3/chroot/x",
            "host",
            "[::1]:2181",
            "10.0.0.1:2181,10.0.0.2")) {
      assertEquals(
          connect, ZkSettings.from(config(Map.of("zookeeper.connect", connect))).connect());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "a//b", "a/", "a/./b", "a/../b", ".", "zookeeper", "/zookeeper/x"})
  void badNamespaceIsRejectedNamingKeyAndSource(String namespace) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ZkSettings.from(
                    config(
                        Map.of(
                            "zookeeper.connect", "embedded", "zookeeper.namespace", namespace))));
    assertTrue(
        msg(e)
            .startsWith("setting zookeeper.namespace (from builder setting 'zookeeper.namespace')"),
        msg(e));
  }

  @Test
  void namespaceMayStartWithSlashAndNest() {
    ZkSettings settings =
        ZkSettings.from(
            config(Map.of("zookeeper.connect", "embedded", "zookeeper.namespace", "/teams/samgr")));
    assertEquals("teams/samgr", settings.namespace());
    assertEquals("/teams/samgr", settings.root());
  }

  @Test
  void defaultsAreThoseOfTheDesign() {
    ZkSettings settings = ZkSettings.from(config(Map.of("zookeeper.connect", "embedded")));
    assertEquals("samgr", settings.namespace());
    assertEquals(Duration.ofSeconds(15), settings.sessionTimeout());
    assertEquals(Duration.ofSeconds(10), settings.operationTimeout());
    assertEquals(null, settings.auth());
    assertFalse(settings.readAuth());
    assertFalse(settings.readOnly());
    assertTrue(settings.embedded());
    assertEquals(1024, settings.buckets());
    assertEquals(Duration.ofSeconds(1), settings.reloadJitter());
  }

  @Test
  void bucketsAreACountFromOneTo4096() {
    assertEquals(1, buckets("1"));
    assertEquals(4096, buckets("4096"));
    for (String bad : List.of("0", "4097", "-1", "many")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buckets(bad));
      assertTrue(
          msg(e)
              .startsWith(
                  "setting zookeeper.buckets (from builder setting 'zookeeper.buckets') '"
                      + bad
                      + "' "),
          msg(e));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buckets("0"));
    assertTrue(msg(e).endsWith("'0' must be 1 to 4096 buckets"), msg(e));
  }

  @Test
  void reloadJitterIsADurationOrZero() {
    assertEquals(Duration.ZERO, jitter("0"));
    assertEquals(Duration.ZERO, jitter("0s"));
    assertEquals(Duration.ofMillis(250), jitter("250ms"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jitter("soon"));
    assertTrue(msg(e).startsWith("setting zookeeper.reload-jitter"), msg(e));
  }

  private static int buckets(String value) {
    return ZkSettings.from(
            config(Map.of("zookeeper.connect", "embedded", "zookeeper.buckets", value)))
        .buckets();
  }

  private static Duration jitter(String value) {
    return ZkSettings.from(
            config(Map.of("zookeeper.connect", "embedded", "zookeeper.reload-jitter", value)))
        .reloadJitter();
  }

  @Test
  void readOnlyIsABoolean() {
    Map<String, String> on = Map.of("zookeeper.connect", "embedded", "zookeeper.read-only", "true");
    assertTrue(ZkSettings.from(config(on)).readOnly());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ZkSettings.from(
                    config(
                        Map.of("zookeeper.connect", "embedded", "zookeeper.read-only", "maybe"))));
    assertTrue(msg(e).startsWith("setting zookeeper.read-only"), msg(e));
  }

  @ParameterizedTest
  @ValueSource(strings = {"zookeeper.session-timeout", "zookeeper.operation-timeout"})
  void nonNumericTimeoutIsRejectedNamingKeyAndSource(String key) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Samgr.builder()
                    .environment("zookeeper")
                    .setting("zookeeper.connect", "embedded")
                    .setting(key, "soon")
                    .open());
    assertTrue(
        msg(e).startsWith("setting " + key + " (from builder setting '" + key + "') 'soon'"),
        msg(e));
  }

  @Test
  void timeoutsAcceptDurationsAndMilliseconds() {
    ZkSettings settings =
        ZkSettings.from(
            config(
                Map.of(
                    "zookeeper.connect",
                    "embedded",
                    "zookeeper.session-timeout",
                    "4000",
                    "zookeeper.operation-timeout",
                    "PT2.5S")));
    assertEquals(Duration.ofSeconds(4), settings.sessionTimeout());
    assertEquals(Duration.ofMillis(2500), settings.operationTimeout());
  }

  @Test
  void authWithoutColonIsRejectedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ZkSettings.from(
                    config(
                        Map.of("zookeeper.connect", "embedded", "zookeeper.auth", "secretword"))));
    assertTrue(
        msg(e).startsWith("setting zookeeper.auth (from builder setting 'zookeeper.auth')"),
        msg(e));
    assertFalse(msg(e).contains("secretword"), msg(e));
  }

  @Test
  void readAuthNeedsCredentials() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ZkSettings.from(
                    config(
                        Map.of("zookeeper.connect", "embedded", "zookeeper.read-auth", "true"))));
    assertTrue(msg(e).startsWith("setting zookeeper.read-auth"), msg(e));
    assertTrue(msg(e).contains("zookeeper.auth"), msg(e));
  }

  @Test
  void unreachableEnsembleFailsOpenNamingTheConnectString() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    String connect = "127.0.0.1:" + port;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Samgr.builder()
                    .environment("zookeeper")
                    .setting("zookeeper.connect", connect)
                    .setting("zookeeper.operation-timeout", "300ms")
                    .open());
    assertTrue(msg(e).contains("'" + connect + "'"), msg(e));
    assertTrue(msg(e).contains("zookeeper.operation-timeout"), msg(e));
  }
}
