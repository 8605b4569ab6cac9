/*
 * Fails unless every code block marked <!-- from FILE --> in the given Markdown files is text of
 * that file (the consumer project), so what a user copies from the docs is what CI builds and runs.
 *
 *   java .ci/ReadmeSnippets.java README.md docs/user-guide.md
 *
 * A marked block is preceded by a comment naming the file it is taken from, relative to the
 * repository root, e.g. <!-- from consumer/pom.xml -->. Every file given must have at least one
 * marked block, and README's "Add it to your build" section must have no unmarked one. The block's lines must
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
  static final String SECTION = "## Add it to your build";
  static final Pattern SOURCE = Pattern.compile("<!-- from (\\S+) -->");

  public static void main(String[] args) throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (String arg : args.length > 0 ? args : new String[] {"README.md"}) {
      Path doc = Path.of(arg);
      int before = checked;
      checked += check(doc, problems);
      if (checked == before) {
        problems.add(doc + ": no <!-- from FILE --> code block found");
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(System.err::println);
      fail(problems.size() + " doc snippet(s) differ from the consumer project: change the"
          + " docs and consumer/ together (the consumer is what CI proves)");
    }
    System.out.println(checked + " doc snippets, each text of the consumer project");
  }

  /** Checks the marked blocks of one Markdown file; returns how many it checked. */
  static int check(Path doc, List<String> problems) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    int checked = 0;
    String source = null;
    boolean inSection = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        inSection = doc.getFileName().toString().equals("README.md") && line.equals(SECTION);
      }
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
          if (inSection) {
            problems.add(doc + ":" + (open + 1) + ": code block without a <!-- from FILE --> line before it");
          }
        } else {
          Path file = root.resolve(source);
          String problem = !Files.exists(file)
              ? source + " does not exist"
              : contains(Files.readAllLines(file, StandardCharsets.UTF_8), block);
          if (problem != null) {
            problems.add(doc + ":" + (open + 1) + ": this snippet is not text of " + source + ": " + problem);
          }
          checked++;
        }
        source = null;
      } else if (!line.isBlank()) {
        source = null; // the comment must come right before its block
      }
    }
    return checked;
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
