package org.opennexus.samgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * What {@link Samgr.Builder} hands a backend: settings, executor and listener failure hook, and how
 * it rejects bad ones before anything opens. A recording provider, found through a real {@link
 * java.util.ServiceLoader} file, keeps the {@link SamgrConfig} it was opened with.
 */
class BuilderSettingsTest {

  private static final AtomicReference<@Nullable SamgrConfig> OPENED = new AtomicReference<>();

  /** Records the configuration it is opened with; throws IAE when told to, like a bad setting. */
  public static final class Recording implements SamgrBackend {
    /** Creates it. */
    public Recording() {}

    @Override
    public String environment() {
      return "recording";
    }

    @Override
    public ServiceManager open(SamgrConfig config) {
      OPENED.set(config);
      config
          .setting("recording.fail")
          .ifPresent(
              s -> {
                throw s.invalid("makes this backend fail");
              });
      return (ServiceManager)
          Proxy.newProxyInstance(
              ServiceManager.class.getClassLoader(),
              new Class<?>[] {ServiceManager.class},
              (proxy, method, args) -> method.getName().equals("environment") ? "recording" : null);
    }
  }

  private static SamgrConfig openWith(Path dir, Samgr.Builder builder) throws IOException {
    Path file = dir.resolve("META-INF/services/" + SamgrBackend.class.getName());
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(Recording.class.getName()), StandardCharsets.UTF_8);
    OPENED.set(null);
    try (URLClassLoader loader =
            new URLClassLoader(
                new URL[] {dir.toUri().toURL()}, BuilderSettingsTest.class.getClassLoader());
        ServiceManager manager = builder.environment("recording").open(loader)) {
      assertEquals("recording", manager.environment());
    }
    SamgrConfig config = OPENED.get();
    if (config == null) {
      throw new AssertionError("the recording backend was not opened");
    }
    return config;
  }

  @Test
  void builderHandsSettingsExecutorAndHookToTheBackend(@TempDir Path dir) throws IOException {
    Executor executor = Runnable::run;
    BiConsumer<ServiceEvent, Throwable> hook = (event, failure) -> {};
    ManualClock clock = ManualClock.at(java.time.Instant.EPOCH);
    SamgrConfig config =
        openWith(
            dir,
            Samgr.builder()
                .clock(clock)
                .livenessTimeout(Duration.ofSeconds(7))
                .executor(executor)
                .listenerFailures(hook)
                .setting("zookeeper.connect", "first")
                .setting("zookeeper.namespace", "ns")
                .setting("zookeeper.connect", "second"));
    assertSame(clock, config.clock());
    assertEquals(Duration.ofSeconds(7), config.livenessTimeout());
    assertSame(executor, config.executor());
    assertSame(hook, config.listenerFailures());
    assertEquals(
        Map.of("zookeeper.connect", "second", "zookeeper.namespace", "ns"), config.settings());
    assertEquals(
        new SamgrConfig.Setting(
            "zookeeper.connect", "second", "builder setting 'zookeeper.connect'"),
        config.setting("zookeeper.connect").orElseThrow());
  }

  @Test
  void builderDefaultsAreCallerRunsLoggingAndNoSettings(@TempDir Path dir) throws IOException {
    SamgrConfig config = openWith(dir, Samgr.builder());
    assertNull(config.executor());
    assertSame(SamgrConfig.loggingListenerFailures(), config.listenerFailures());
    assertEquals(Map.of(), config.settings());
  }

  @Test
  void badSettingValueFromTheBackendReachesTheCallerUnwrapped(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> openWith(dir, Samgr.builder().setting("recording.fail", "yes")));
    assertEquals(
        "setting recording.fail (from builder setting 'recording.fail') 'yes' makes this backend"
            + " fail",
        e.getMessage());
  }

  @Test
  @SuppressWarnings("NullAway") // nulls on purpose
  void builderRejectsBadArgumentsNamingThem() {
    Samgr.Builder builder = Samgr.builder();
    assertEquals(
        "executor must not be null",
        assertThrows(NullPointerException.class, () -> builder.executor(null)).getMessage());
    assertEquals(
        "hook must not be null",
        assertThrows(NullPointerException.class, () -> builder.listenerFailures(null))
            .getMessage());
    assertEquals(
        "key must not be null",
        assertThrows(NullPointerException.class, () -> builder.setting(null, "x")).getMessage());
    assertEquals(
        "value must not be null",
        assertThrows(NullPointerException.class, () -> builder.setting("a.b", null)).getMessage());
    assertEquals(
        "value of setting 'a.b' must not be empty",
        assertThrows(IllegalArgumentException.class, () -> builder.setting("a.b", ""))
            .getMessage());
    assertEquals(
        "setting key 'A.b' must be lower-case words (a-z, 0-9, inner hyphens) joined by dots,"
            + " such as zookeeper.session-timeout",
        assertThrows(IllegalArgumentException.class, () -> builder.setting("A.b", "x"))
            .getMessage());
  }
}
