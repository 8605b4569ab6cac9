/*
 * Fails unless every code block of README's "Using samgr in your build" section is text of the
 * consumer project, so what a user copies from the README is what CI builds and runs.
 *
 *   java .ci/ReadmeSnippets.java README.md
 *
 * Each fenced block of the section is preceded by a comment naming the file it is taken from,
 * relative to the repository root, e.g. <!-- from consumer/pom.xml -->. The block's lines must
 * appear in that file as consecutive lines, compared without leading and trailing whitespace (a
 * snippet is shown at column 0, the file indents it).
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ReadmeSnippets {
  static final String SECTION = "## Using samgr in your build";
  static final Pattern SOURCE = Pattern.compile("<!-- from (\\S+) -->");

  public static void main(String[] args) throws IOException {
    Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
    Path root = readme.toAbsolutePath().getParent();
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    int start = lines.indexOf(SECTION);
    if (start < 0) {
      fail(readme + " has no section \"" + SECTION + "\"");
    }
    int checked = 0;
    List<String> problems = new ArrayList<>();
    String source = null;
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i);
      Matcher m = SOURCE.matcher(line.strip());
      if (m.matches()) {
        source = m.group(1);
      } else if (line.startsWith("```")) {
        int open = i;
        List<String> block = new ArrayList<>();
        for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          block.add(lines.get(i));
        }
        if (source == null) {
          problems.add("README.md:" + (open + 1) + ": code block without a <!-- from FILE --> line before it");
        } else {
          Path file = root.resolve(source);
          String problem = !Files.exists(file)
              ? source + " does not exist"
              : contains(Files.readAllLines(file, StandardCharsets.UTF_8), block);
          if (problem != null) {
            problems.add("README.md:" + (open + 1) + ": this snippet is not text of " + source + ": " + problem);
          }
          checked++;
        }
        source = null;
      } else if (!line.isBlank()) {
        source = null; // the comment must come right before its block
      }
    }
    if (checked == 0) {
      problems.add("no code block found in \"" + SECTION + "\"");
    }
    if (!problems.isEmpty()) {
      problems.forEach(System.err::println);
      fail(problems.size() + " README snippet(s) differ from the consumer project: change the"
          + " README and consumer/ together (the consumer is what CI proves)");
    }
    System.out.println("README \"" + SECTION + "\": " + checked + " snippets, each text of the consumer project");
  }

  /** Null if {@code block} occurs in {@code file} (ignoring indentation), else what is missing. */
  static String contains(List<String> file, List<String> block) {
    int best = 0;
    for (int at = 0; at + block.size() <= file.size(); at++) {
      int n = 0;
      while (n < block.size() && file.get(at + n).strip().equals(block.get(n).strip())) {
        n++;
      }
      if (n == block.size()) {
        return null;
      }
      best = Math.max(best, n);
    }
    return "no run of lines there matches; the longest matches " + best + " line(s), then expected \""
        + block.get(best).strip() + "\"";
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }

  private ReadmeSnippets() {}
}
