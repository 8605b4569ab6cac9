package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.SamgrError;

/**
 * The docs checked like code: every relative link of README.md, docs/*.md, CONTRIBUTING.md,
 * RELEASING.md and BENCHMARKS.md resolves (the file exists; an {@code #anchor} is a heading of it,
 * by GitHub's rules), every {@code java} block of README.md and docs/*.md compiles (by the rules of
 * {@link Snippets}), and every block marked {@code <!-- from FILE -->} is text of FILE (the
 * consumer project, which {@code .ci/release-check} builds and tests). Nothing is skipped: each
 * {@code java} block is one dynamic test, named by its file and line; a block marked {@code Java
 * 21+} is reported as skipped (never passed) on an older JDK, and CI's JDK 25 run compiles it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DocsTest {

  private static final Path ROOT = root();

  private static Path root() {
    String property = System.getProperty("samgr.repository");
    Path root = Path.of(property == null ? ".." : property).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("README.md"))) {
      throw new IllegalStateException("no README.md in " + root + " (-Dsamgr.repository)");
    }
    return root;
  }

  /** A file's name relative to the repository, for messages. */
  private static String name(Path file) {
    Path absolute = file.toAbsolutePath();
    return absolute.startsWith(ROOT) ? ROOT.relativize(absolute).toString() : file.toString();
  }

  private static String where(Markdown.Block block) {
    return name(block.file()) + ":" + block.line();
  }

  private static List<Path> docs() {
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
      pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> linkedDocs() {
    List<Path> all = new ArrayList<>(docs());
    for (String name : List.of("CONTRIBUTING.md", "RELEASING.md", "BENCHMARKS.md")) {
      all.add(ROOT.resolve(name));
    }
    return all;
  }

  /** The problems of the links of {@code docs}, reading link targets through {@code read}. */
  static List<String> brokenLinks(List<Markdown> docs, Function<Path, Markdown> read) {
    List<String> problems = new ArrayList<>();
    for (Markdown doc : docs) {
      for (Markdown.Link link : doc.links) {
        String target = link.target();
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // https:, mailto:: not a file of the repository
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file =
            path.isEmpty()
                ? link.file()
                : link.file().toAbsolutePath().resolveSibling(path).normalize();
        String where = name(link.file()) + ":" + link.line() + ": " + target;
        if (!path.isEmpty() && !Files.exists(file)) {
          problems.add(where + ": no file " + file);
        } else if (hash >= 0) {
          if (!file.toString().endsWith(".md")) {
            problems.add(where + ": an anchor into a file that is not Markdown");
          } else if (!read.apply(file).anchors.contains(target.substring(hash + 1))) {
            problems.add(where + ": no heading with that anchor in " + file.getFileName());
          }
        }
      }
    }
    return problems;
  }

  @Test
  void everyRelativeLinkResolves() {
    List<Markdown> docs = linkedDocs().stream().map(Markdown::read).collect(Collectors.toList());
    assertTrue(docs.stream().mapToInt(d -> d.links.size()).sum() > 50, "links were found");
    assertEquals(List.of(), brokenLinks(docs, Markdown::read));
  }

  @Test
  void aMissingFileOrAnchorIsReported() {
    Path doc = ROOT.resolve("docs/example.md");
    Markdown page =
        Markdown.parse(
            doc,
            """
            # Title
            ## `watch` and `watchAll`: events
            [ok](#watch-and-watchall-events) [ok](user-guide.md) [ok](../LICENSE)
            [gone](missing.md) [no anchor](#watch) [ok](https://example.com/x#y)
            `[in code](nowhere.md)`
            ```sh
            [in a block](nowhere.md)
            ```""");
    List<String> problems = brokenLinks(List.of(page), path -> page);
    assertEquals(2, problems.size(), problems::toString);
    assertTrue(
        problems.get(0).startsWith("docs/example.md:4: missing.md: no file "), problems::toString);
    assertEquals(
        "docs/example.md:4: #watch: no heading with that anchor in example.md", problems.get(1));
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertEquals("watch-and-watchall-events", Markdown.anchor("`watch` and `watchAll`: events"));
    assertEquals(
        "settings-samgrbuildersettingkey-value",
        Markdown.anchor("Settings: `Samgr.builder().setting(key, value)`"));
    assertEquals(
        "from-the-shell-samgr-and-the-live-dashboard",
        Markdown.anchor("From the shell: `samgr` and the live dashboard"));
    Markdown page = Markdown.parse(Path.of("x.md"), "## Commands\n\n## Commands\n### Commands");
    assertEquals(List.of("commands", "commands-1", "commands-2"), List.copyOf(page.anchors));
  }

  /** One test per {@code java} block of README.md and docs/*.md. */
  @TestFactory
  Stream<DynamicTest> everyJavaSnippetCompiles() {
    List<Markdown.Block> blocks =
        docs().stream()
            .flatMap(doc -> Markdown.read(doc).blocks.stream())
            .filter(block -> block.info().equals("java"))
            .collect(Collectors.toList());
    assertTrue(blocks.size() >= 15, "java blocks found: " + blocks.size());
    return blocks.stream().map(block -> DynamicTest.dynamicTest(where(block), () -> check(block)));
  }

  private static void check(Markdown.Block block) {
    String from = block.from();
    if (from != null) {
      assertNull(textOf(from, block), where(block));
      return;
    }
    if (Snippets.needsJava21(block.lines())) {
      assumeTrue(
          Runtime.version().feature() >= 21,
          where(block) + " says " + Snippets.JAVA_21 + ": compiled on JDK 21 and later only");
    }
    List<String> errors =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2), () -> Snippets.compile(where(block), block.lines()));
    assertEquals(List.of(), errors, () -> where(block) + " does not compile:\n" + block.text());
  }

  /** Every block marked {@code <!-- from FILE -->}, java or not, is text of FILE. */
  @Test
  void everyMarkedBlockIsTextOfItsFile() {
    Map<Path, Long> marked =
        docs().stream()
            .flatMap(doc -> Markdown.read(doc).blocks.stream())
            .filter(block -> block.from() != null)
            .collect(Collectors.groupingBy(b -> b.file().getFileName(), Collectors.counting()));
    assertTrue(marked.getOrDefault(Path.of("README.md"), 0L) >= 2, marked::toString);
    assertTrue(marked.getOrDefault(Path.of("user-guide.md"), 0L) >= 4, marked::toString);
    List<String> problems = new ArrayList<>();
    for (Path doc : docs()) {
      for (Markdown.Block block : Markdown.read(doc).blocks) {
        String from = block.from();
        String problem = from == null ? null : textOf(from, block);
        if (problem != null) {
          problems.add(where(block) + ": " + problem);
        }
      }
    }
    assertEquals(List.of(), problems, "change the docs and consumer/ together");
  }

  /** Null if the block's lines are consecutive lines of {@code source} (indentation aside). */
  private static @Nullable String textOf(String source, Markdown.Block block) {
    Path file = ROOT.resolve(source);
    if (!Files.isRegularFile(file)) {
      return "not text of " + source + ": no such file";
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> want = block.lines();
    int best = 0;
    for (int at = 0; at + want.size() <= lines.size(); at++) {
      int n = 0;
      while (n < want.size() && lines.get(at + n).strip().equals(want.get(n).strip())) {
        n++;
      }
      if (n == want.size()) {
        return null;
      }
      best = Math.max(best, n);
    }
    return "not text of "
        + source
        + ": the longest run that matches has "
        + best
        + " line(s), then \""
        + want.get(Math.min(best, want.size() - 1)).strip()
        + "\"";
  }

  /**
   * docs/cli.md's exit-code table against the code's one list, {@code ExitCodes}: the same codes,
   * and the row of each {@code SamgrError} case's code (the constant named like the case) names
   * that case.
   */
  @Test
  void cliExitCodeTableMatchesExitCodes() throws IOException, ReflectiveOperationException {
    Class<?> exitCodes = Class.forName("org.opennexus.samgr.cli.ExitCodes");
    Map<String, Integer> constants = new TreeMap<>();
    for (Field field : exitCodes.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
        constants.put(field.getName(), field.getInt(null));
      }
    }
    Map<Integer, String> rows = new TreeMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(ROOT.resolve("docs/cli.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("#")) {
        inTable = line.equals("## Exit codes");
      } else if (inTable && line.matches("^\\| \\d+ \\|.*")) {
        int code = Integer.parseInt(line.substring(2, line.indexOf(' ', 2)));
        rows.put(code, line);
      }
    }
    assertEquals(
        new TreeSet<>(constants.values()), rows.keySet(), "codes in docs/cli.md and ExitCodes");
    for (Class<?> error : SamgrError.class.getPermittedSubclasses()) {
      String name = error.getSimpleName();
      String constant = name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
      Integer code = constants.get(constant);
      assertTrue(code != null, "ExitCodes has no " + constant + " for " + name);
      assertTrue(
          String.valueOf(rows.get(code)).contains("`" + name + "`"),
          "docs/cli.md's row for exit code " + code + " names `" + name + "`");
    }
  }

  @Test
  void aSnippetThatDoesNotCompileFails() {
    List<String> lines =
        List.of(
            "ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();",
            "scheduler.scheduleAtFixedRate(() -> samgr.resolve(\"net\"), 1, 1, TimeUnit.SECONDS);");
    List<String> errors = Snippets.compile("x.md:7", lines);
    assertEquals(1, errors.size(), errors::toString);
    assertTrue(errors.get(0).startsWith("x.md:7 (snippet line 2): "), errors::toString);
    assertTrue(errors.get(0).contains("SamgrError"), errors::toString);
  }

  @Test
  void fragmentsAreWrappedByTheDocumentedRules() {
    assertEquals(Snippets.Kind.STATEMENTS, Snippets.kind(List.of("samgr.services();")));
    assertEquals(Snippets.Kind.TYPE, Snippets.kind(List.of("@SamgrTest", "class A {}")));
    assertEquals(Snippets.Kind.MODULE, Snippets.kind(List.of("open module a {}")));
    assertEquals(
        List.of(),
        Snippets.compile(
            "x.md:1",
            List.of(
                "try (Subscription s = samgr.watchAll(e -> alarm(e.handle()))) {",
                "  ...",
                "}",
                "... more left out ...")));
    assertEquals(
        List.of(),
        Snippets.compile(
            "x.md:1",
            List.of(
                "module a.b {",
                "  requires org.opennexus.samgr;",
                "  provides org.opennexus.samgr.spi.SamgrBackend with a.b.impl.Mine;",
                "}")));
    assertFalse(
        Snippets.compile("x.md:1", List.of("module a.b {", "  requires no.such.module;", "}"))
            .isEmpty());
  }
}
