package org.opennexus.samgr.verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Markdown file that {@link DocsTest} checks: fenced code blocks, headings (as
 * GitHub's anchors) and relative links, with their line numbers.
 */
final class Markdown {

  /** A fenced code block. */
  record Block(Path file, int line, String info, List<String> lines, @Nullable String from) {
    /** The block's text, one line each. */
    String text() {
      return String.join("\n", lines);
    }
  }

  /** A link {@code [text](target)} outside code. */
  record Link(Path file, int line, String target) {}

  private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+)\\s*([\\w+-]*).*$");
  private static final Pattern FROM = Pattern.compile("<!-- from (\\S+) -->");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

  final Path file;
  final List<Block> blocks = new ArrayList<>();
  final List<Link> links = new ArrayList<>();
  final Set<String> anchors = new LinkedHashSet<>();

  private Markdown(Path file, List<String> lines) {
    this.file = file;
    Map<String, Integer> seen = new HashMap<>();
    @Nullable String from = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        String indent = fence.group(1);
        String ticks = fence.group(2);
        List<String> body = new ArrayList<>();
        int open = i;
        for (i++; i < lines.size() && !lines.get(i).strip().startsWith(ticks); i++) {
          String text = lines.get(i);
          body.add(text.startsWith(indent) ? text.substring(indent.length()) : text.strip());
        }
        blocks.add(new Block(file, open + 1, fence.group(3), List.copyOf(body), from));
        from = null;
        continue;
      }
      Matcher source = FROM.matcher(line.strip());
      if (source.matches()) {
        from = source.group(1);
        continue;
      }
      if (!line.isBlank()) {
        from = null; // the comment must come right before its block
      }
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String anchor = anchor(heading.group(1));
        int n = seen.merge(anchor, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? anchor : anchor + "-" + n);
      }
      Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
      while (link.find()) {
        links.add(new Link(file, i + 1, link.group(1)));
      }
    }
  }

  /** Reads and parses one Markdown file. */
  static Markdown read(Path file) {
    try {
      return new Markdown(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses Markdown text, for tests of this class. */
  static Markdown parse(Path file, String text) {
    return new Markdown(file, List.of(text.split("\n", -1)));
  }

  /**
   * The anchor GitHub gives a heading: its text lower-cased, markup and punctuation dropped
   * (letters, digits, {@code _}, {@code -} and spaces kept), spaces as hyphens. A repeated heading
   * gets {@code -1}, {@code -2}, ... (done by the caller).
   */
  static String anchor(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link: its text
    StringBuilder out = new StringBuilder();
    text.toLowerCase(Locale.ROOT)
        .codePoints()
        .forEach(
            c -> {
              if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                out.appendCodePoint(c);
              } else if (c == ' ') {
                out.append('-');
              }
            });
    return out.toString();
  }
}
