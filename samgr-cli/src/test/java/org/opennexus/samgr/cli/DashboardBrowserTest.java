package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by its chromedriver. The page
 * follows the registry without a reload, and a service name that is HTML stays text.
 *
 * <p>Chromium missing is a failure, not a skip: CI installs it ({@code .ci/install-chromium});
 * elsewhere {@code -Dsamgr.cli.browserTest.skip=true} leaves this test out explicitly.
 */
@Timeout(240)
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final String XSS = "<img src=x onerror=alert(1)>";

  @TempDir Path profile;

  @Test
  void dashboardFollowsTheRegistryLiveAndShowsNamesAsText() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser test needs Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "): run .ci/install-chromium, or leave this test out with"
            + " -Dsamgr.cli.browserTest.skip=true");
    ManualClock clock = ManualClock.at(Cli.START);
    try (ServiceManager samgr =
            Samgr.builder().environment("host").clock(clock).livenessTimeout(Cli.LIVENESS).open();
        DashboardServer dashboard =
            DashboardServer.start(
                new GatedRegistry(samgr),
                clock,
                Duration.ofMillis(200),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                MAX_QUEUED)) {
      samgr.register("storage", Endpoint.of("tcp://127.0.0.1:7001"));
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, STEP);
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> "the page showed: " + shown(browser));
        browser.get(dashboard.uri().toString());
        wait.until(b -> "live".equals(status(b)));
        // A reload would lose this; it must still be there at the end.
        js(browser).executeScript("window.samgrTestMarker = 'same page';");

        // the service present before the page opened, then one registered while it is open
        wait.until(b -> row(b, "storage").isPresent());
        ServiceHandle net = samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
        wait.until(
            b ->
                cells(b, "net")
                    .equals(
                        List.of(
                            "net",
                            "tcp://127.0.0.1:7000",
                            "2",
                            "alive · last heartbeat just now")));

        // a restart: new generation and endpoint in the same row
        samgr.restart(net, Endpoint.of("tcp://127.0.0.1:7100"));
        wait.until(
            b ->
                cells(b, "net")
                    .equals(
                        List.of(
                            "net",
                            "tcp://127.0.0.1:7100",
                            "3",
                            "alive · last heartbeat just now")));

        // liveness runs out for net: its row turns expired; storage heartbeats and stays alive
        clock.advance(Duration.ofSeconds(20));
        samgr.heartbeat(samgr.resolve("storage"));
        clock.advance(Duration.ofSeconds(11));
        // the dashboard's liveness reads may announce it first; either way it expires once
        samgr.sweepExpired();
        wait.until(b -> cells(b, "net").get(3).equals("expired · last heartbeat 31s ago"));
        wait.until(b -> expired(b, "net"));
        wait.until(b -> cells(b, "storage").get(3).equals("alive · last heartbeat 11s ago"));
        assertEquals(false, expired(browser, "storage"));

        // a name that is HTML shows as text, runs nothing and adds no element
        samgr.register(XSS, Endpoint.of("tcp://127.0.0.1:7200/\"><script>alert(2)</script>"));
        wait.until(b -> row(b, XSS).isPresent());
        assertEquals(
            List.of(
                XSS,
                "tcp://127.0.0.1:7200/\"><script>alert(2)</script>",
                "4",
                "alive · last heartbeat just now"),
            cells(browser, XSS));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertEquals(0L, js(browser).executeScript("return document.images.length;"));
        assertEquals(
            1L, js(browser).executeScript("return document.scripts.length;"), "only dashboard.js");

        // the event history, newest first, and its name filter
        // storage was there before the page opened: state, not an event of the history
        wait.until(b -> history(b).size() == 4);
        assertEquals(
            List.of(
                "registered " + XSS + " 4", "expired net 3", "restarted net 3", "registered net 2"),
            history(browser));
        browser.findElement(By.id("filter")).sendKeys("NeT");
        wait.until(
            b ->
                history(b).equals(List.of("expired net 3", "restarted net 3", "registered net 2")));
        assertEquals(List.of("net"), visibleNames(browser));
        browser.findElement(By.id("filter")).clear();
        js(browser)
            .executeScript("document.getElementById('filter').dispatchEvent(new Event('input'));");
        wait.until(b -> visibleNames(b).size() == 3);

        // The stream falls behind (its thread held while six services register: it may hold one
        // and queue three, two plus one for the service it started with), says so and ends; the
        // page reconnects by itself and starts afresh. The history gains the six registrations,
        // not a second copy of what it showed before.
        CountDownLatch hold = new CountDownLatch(1);
        GatedRegistry.hold = hold;
        for (char c = 'a'; c <= 'f'; c++) {
          samgr.register("burst-" + c, Endpoint.of("tcp://127.0.0.1:7300"));
        }
        GatedRegistry.hold = null;
        hold.countDown();
        wait.until(b -> row(b, "burst-f").isPresent() && "live".equals(status(b)));
        wait.until(b -> history(b).size() >= 10);
        assertEquals(
            List.of(
                "registered burst-f 10",
                "registered burst-e 9",
                "registered burst-d 8",
                "registered burst-c 7",
                "registered burst-b 6",
                "registered burst-a 5",
                "registered " + XSS + " 4",
                "expired net 3",
                "restarted net 3",
                "registered net 2"),
            history(browser));
        assertEquals(
            "expired · last heartbeat 31s ago", cells(browser, "net").get(3), "state kept");

        assertEquals("same page", js(browser).executeScript("return window.samgrTestMarker;"));
        assertEquals("9", browser.findElement(By.id("count")).getText());
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Path shot = Path.of(System.getProperty("samgr.cli.target", "target"), "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, png);
        assertTrue(png.length > 1000, "screenshot too small: " + png.length + " bytes");
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * At 2,000 and at 20,000 services (a tenth of them expired, one with a 3,000-character endpoint)
   * the page stays one screen of rows, counts alive and expired, filters by name and health with
   * the count following the filter, shows no history for services that were only there, and no
   * value widens the page.
   */
  @ParameterizedTest
  @ValueSource(ints = {2_000, 20_000})
  void manyServicesStayOnePageWithTrueCounts(int size) throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no chromium");
    ManualClock clock = ManualClock.at(Cli.START);
    try (ServiceManager samgr =
            Samgr.builder().environment("host").clock(clock).livenessTimeout(Cli.LIVENESS).open();
        DashboardServer dashboard =
            DashboardServer.start(
                samgr,
                clock,
                Duration.ofMillis(500),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int expired = size / 10;
      for (int i = 0; i < size; i++) {
        if (i == expired) {
          clock.advance(Cli.LIVENESS.plusSeconds(1));
        }
        String endpoint =
            i == expired ? "tcp://127.0.0.1:7000/" + "x".repeat(3_000) : "tcp://127.0.0.1:7000";
        samgr.register(String.format("svc-%05d", i), Endpoint.of(endpoint));
      }
      // announce the expiries before the page opens (the host backend's liveness reads would
      // otherwise announce them, as events that then did happen while the page was open)
      assertEquals(expired, samgr.sweepExpired().size());
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> "the page showed: " + shown(browser));
        browser.get(dashboard.uri().toString());
        wait.until(b -> text(b, "total").equals(String.valueOf(size)));
        wait.until(b -> text(b, "expired-count").equals(String.valueOf(expired)));
        assertEquals(String.valueOf(size - expired), text(browser, "alive-count"));
        assertEquals(String.valueOf(size), text(browser, "count"));
        assertEquals("live", status(browser));
        assertEquals(50, visibleNames(browser).size());
        assertEquals(List.of(), history(browser), "no event happened while the page was open");
        long height = number(js(browser).executeScript("return document.body.scrollHeight;"));
        assertTrue(height < 4_000, "the page is " + height + " px high");
        long overflow =
            number(
                js(browser)
                    .executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth;"));
        assertTrue(overflow <= 0, "the page is " + overflow + " px wider than the window");

        new Select(browser.findElement(By.id("health"))).selectByValue("expired");
        wait.until(b -> text(b, "count").equals(String.valueOf(expired)));
        assertEquals(Math.min(50, expired), visibleNames(browser).size());
        String long1 = String.format("svc-%05d", expired);
        assertEquals(false, row(browser, long1).isPresent(), "alive services are filtered out");
        new Select(browser.findElement(By.id("health"))).selectByValue("alive");
        browser.findElement(By.id("filter")).sendKeys(long1);
        wait.until(b -> text(b, "count").equals("1"));
        WebElement endpoint =
            row(browser, long1).orElseThrow().findElement(By.className("endpoint"));
        assertEquals(
            3_021, String.valueOf(endpoint.getAttribute("title")).length(), "full value on hover");
        assertTrue(endpoint.getSize().getHeight() < 40, "the long endpoint stays one line");
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Path shot =
            Path.of(System.getProperty("samgr.cli.target", "target"), "dashboard-" + size + ".png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, png);
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * Streams that the server ends (their lifetime over, here 2 s) cost the page nothing: it
   * reconnects by itself, is live again with the same rows, invents no history row for the services
   * it already showed, and still follows the registry.
   */
  @Test
  void theSamePageRecoversFromStreamsTheServerEnds() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no chromium");
    ManualClock clock = ManualClock.at(Cli.START);
    AtomicInteger streams = new AtomicInteger();
    HttpLimits limits =
        new HttpLimits(
            48,
            128,
            32,
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(2),
            10_000);
    try (ServiceManager samgr =
            Samgr.builder().environment("host").clock(clock).livenessTimeout(Cli.LIVENESS).open();
        DashboardServer dashboard =
            DashboardServer.start(
                new Delegating(samgr) {
                  @Override
                  public Subscription watchAll(Consumer<ServiceEvent> listener) throws SamgrError {
                    streams.incrementAndGet();
                    return super.watchAll(listener);
                  }
                },
                clock,
                Duration.ofMillis(200),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                limits,
                Map.of())) {
      samgr.register("storage", Endpoint.of("tcp://127.0.0.1:7001"));
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, STEP);
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> "the page showed: " + shown(browser));
        browser.get(dashboard.uri().toString());
        wait.until(b -> "live".equals(status(b)) && row(b, "storage").isPresent());
        js(browser).executeScript("window.samgrTestMarker = 'same page';");
        // three streams ended by the server, the page on its fourth
        wait.until(b -> streams.get() >= 4);
        wait.until(b -> "live".equals(status(b)) && row(b, "storage").isPresent());
        assertEquals(List.of(), history(browser), "nothing happened while the page was open");
        assertEquals("same page", js(browser).executeScript("return window.samgrTestMarker;"));

        samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
        wait.until(b -> history(b).equals(List.of("registered net 2")));
        wait.until(b -> row(b, "net").isPresent() && "live".equals(status(b)));
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * A dashboard on a read-only zookeeper client says it is disconnected, and when it last heard
   * from the ensemble, while the ZooKeeper server is down, and shows its table as last known; it is
   * live again once the server is back.
   */
  @Test
  void saysDisconnectedWhileTheEnsembleIsDown(@TempDir Path data) throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no chromium");
    EmbeddedZooKeeper[] server = {EmbeddedZooKeeper.start(0, data)};
    int port = server[0].port();
    Samgr.Builder zookeeper =
        Samgr.builder()
            .environment("zookeeper")
            .setting("zookeeper.connect", "127.0.0.1:" + port)
            .setting("zookeeper.session-timeout", "60s");
    try (ServiceManager writer = zookeeper.open();
        ServiceManager reader = zookeeper.setting("zookeeper.read-only", "true").open();
        DashboardServer dashboard =
            DashboardServer.start(
                reader,
                java.time.InstantSource.system(),
                Duration.ofMillis(200),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      ServiceHandle net = writer.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, STEP);
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> "the page showed: " + shown(browser));
        browser.get(dashboard.uri().toString());
        wait.until(b -> "live".equals(status(b)) && row(b, "net").isPresent());
        assertEquals(false, unconfirmed(browser));
        // a zookeeper generation (about 1.9e18, beyond a JavaScript number's 2^53) shows exactly
        // and whole, as --if-generation needs it
        assertEquals(String.valueOf(net.generation().value()), cells(browser, "net").get(2));
        assertEquals(
            true,
            js(browser)
                .executeScript(
                    "const c = document.querySelector('#services tbody td.generation');"
                        + " return c.scrollWidth <= c.clientWidth;"),
            "the generation is cut");

        server[0].close();
        wait.until(b -> "down".equals(status(b)));
        assertTrue(
            text(browser, "status").startsWith("disconnected from the registry, last heard "),
            text(browser, "status"));
        assertEquals(true, unconfirmed(browser), "the table is shown as last known");
        assertTrue(row(browser, "net").isPresent(), "what the client last knew stays shown");

        server[0] = EmbeddedZooKeeper.start(port, data);
        wait.until(b -> "live".equals(status(b)));
        assertEquals(false, unconfirmed(browser));
      } finally {
        browser.quit();
      }
    } finally {
      server[0].close();
    }
  }

  private static boolean unconfirmed(WebDriver browser) {
    return String.valueOf(browser.findElement(By.id("services")).getAttribute("class"))
        .contains("unconfirmed");
  }

  private static long number(@org.jspecify.annotations.Nullable Object value) {
    return ((Number) java.util.Objects.requireNonNull(value, "no number")).longValue();
  }

  private static String text(WebDriver browser, String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** Events the dashboard may queue for the page in this test. */
  private static final int MAX_QUEUED = 2;

  private WebDriver chromium() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(STEP)
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1100,700",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(STEP);
    driver.manage().timeouts().scriptTimeout(STEP);
    return driver;
  }

  /** What the page shows, for a failure message: status, services, history. */
  private static String shown(WebDriver browser) {
    try {
      return "status '"
          + browser.findElement(By.id("status")).getText()
          + "', services "
          + visibleNames(browser)
          + ", history "
          + history(browser);
    } catch (RuntimeException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static JavascriptExecutor js(WebDriver browser) {
    return (JavascriptExecutor) browser;
  }

  private static String status(WebDriver browser) {
    return String.valueOf(browser.findElement(By.id("status")).getAttribute("data-state"));
  }

  private static Optional<WebElement> row(WebDriver browser, String name) {
    return browser.findElements(By.cssSelector("#services tbody tr")).stream()
        .filter(r -> r.findElement(By.cssSelector("td.name")).getText().equals(name))
        .findFirst();
  }

  /** Whether the row is marked expired (its class and its data-alive attribute agree). */
  private static boolean expired(WebDriver browser, String name) {
    WebElement r = row(browser, name).orElseThrow();
    boolean marked = String.valueOf(r.getAttribute("class")).contains("expired");
    assertEquals(marked, "false".equals(r.getAttribute("data-alive")), "class and data-alive");
    return marked;
  }

  /** The row's cells as shown; empty if there is no such row. */
  private static List<String> cells(WebDriver browser, String name) {
    return row(browser, name)
        .map(r -> r.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
        .orElse(List.of());
  }

  private static List<String> visibleNames(WebDriver browser) {
    return browser.findElements(By.cssSelector("#services tbody tr")).stream()
        .filter(WebElement::isDisplayed)
        .map(r -> r.findElement(By.cssSelector("td.name")).getText())
        .toList();
  }

  /** Visible history rows as "event name generation". */
  private static List<String> history(WebDriver browser) {
    return browser.findElements(By.cssSelector("#events tbody tr")).stream()
        .filter(WebElement::isDisplayed)
        .map(
            r ->
                r.findElements(By.tagName("td")).subList(1, 4).stream()
                    .map(WebElement::getText)
                    .collect(Collectors.joining(" ")))
        .toList();
  }
}
