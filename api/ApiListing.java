/*
 * Lists the public API of one compiled module and compares it with the committed listing.
 *
 * Run by every published module in `./mvnw -B verify` (the api-listing execution of the parent
 * pom), with the JDK's source launcher, so it needs no build of its own:
 *
 *   java api/ApiListing.java <packaging> <module's target/classes> <api/<artifactId>.txt> <update>
 *
 * The listing holds the module declaration (requires, exports, opens, uses, provides) and, for
 * every public class of an unqualified exported package whose enclosing classes are public too,
 * its javap -public declaration and members, sorted, so a reordering in the source is no change.
 * With update=true it (re)writes the listing; otherwise it exits 1 with a diff when the compiled
 * API differs from the listing.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

public final class ApiListing {

  static final String REGENERATE =
      "./mvnw -B -q -DskipTests -Dsamgr.api.update verify   (then review and commit api/)";

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: java ApiListing.java PACKAGING CLASSES_DIR LISTING_FILE UPDATE(true|false)");
      System.exit(2);
    }
    if (args[0].equals("pom")) {
      return; // a POM (samgr-parent) has no code, so no API to list
    }
    Path classes = Path.of(args[1]);
    Path listing = Path.of(args[2]);
    // -Dsamgr.api.update with no value arrives as the empty string.
    boolean update = args[3].isEmpty() || Boolean.parseBoolean(args[3]);

    List<String> actual = list(classes);
    if (update) {
      Files.createDirectories(listing.toAbsolutePath().getParent());
      Files.write(listing, actual, StandardCharsets.UTF_8);
      System.out.println("[api] wrote " + listing + " (" + actual.size() + " lines)");
      return;
    }
    if (!Files.exists(listing)) {
      System.err.println("[api] no API listing " + listing + " for this published module.");
      System.err.println("[api] Create it with: " + REGENERATE);
      System.exit(1);
    }
    List<String> expected = Files.readAllLines(listing, StandardCharsets.UTF_8);
    if (expected.equals(actual)) {
      System.out.println("[api] compiled API matches " + listing);
      return;
    }
    System.err.println("[api] The compiled public API differs from " + listing + ":");
    System.err.println("[api]   - line in the committed listing, no longer in the compiled API");
    System.err.println("[api]   + line in the compiled API, not in the committed listing");
    diff(expected, actual).forEach(line -> System.err.println("[api] " + line));
    System.err.println("[api] If the change is deliberate, regenerate the listing and commit it:");
    System.err.println("[api]   " + REGENERATE);
    System.exit(1);
  }

  /** The listing of the module compiled into {@code classes}. */
  static List<String> list(Path classes) throws IOException {
    Path moduleInfo = classes.resolve("module-info.class");
    List<String> out = new ArrayList<>();
    if (!Files.exists(moduleInfo)) {
      // An automatic module (no module-info) exports every package it has.
      out.add("automatic module (no module-info): every package is exported");
      Set<String> packages = new TreeSet<>();
      try (Stream<Path> files = Files.walk(classes)) {
        files.filter(f -> f.toString().endsWith(".class"))
            .forEach(f -> packages.add(classes.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.')));
      }
      packages.forEach(p -> out.add("  exports " + p));
      return types(classes, packages, out);
    }
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      module = ModuleDescriptor.read(in);
    }
    out.add("module " + module.name());
    Set<String> declarations = new TreeSet<>();
    for (ModuleDescriptor.Requires r : module.requires()) {
      if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED)) {
        declarations.add("requires " + modifiers(r.modifiers()) + r.name());
      }
    }
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : module.exports()) {
      declarations.add("exports " + e.source() + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : ""));
      if (!e.isQualified()) {
        exported.add(e.source());
      }
    }
    for (ModuleDescriptor.Opens o : module.opens()) {
      declarations.add("opens " + o.source() + (o.isQualified() ? " to " + new TreeSet<>(o.targets()) : ""));
    }
    module.uses().forEach(u -> declarations.add("uses " + u));
    module.provides().forEach(p -> declarations.add("provides " + p.service() + " with " + p.providers()));
    declarations.forEach(d -> out.add("  " + d));
    return types(classes, exported, out);
  }

  /** Appends the listing of every public type of {@code exported} to {@code out}. */
  private static List<String> types(Path classes, Set<String> exported, List<String> out) throws IOException {
    // Binary name -> its listing block; TreeMap puts an enclosing class before its nested ones.
    TreeMap<String, List<String>> types = new TreeMap<>();
    for (String pkg : exported) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files.sorted()::iterator) {
          String name = file.getFileName().toString();
          if (name.endsWith(".class") && !name.equals("package-info.class")) {
            String binaryName = pkg + "." + name.substring(0, name.length() - ".class".length());
            List<String> block = javap(file);
            if (!block.isEmpty()) {
              types.put(binaryName, block);
            }
          }
        }
      }
    }
    // A nested class of a non-public class is no API: a block is kept only if its enclosing
    // class's block was kept (the TreeMap visits the enclosing class first).
    Set<String> kept = new TreeSet<>();
    for (var type : types.entrySet()) {
      String name = type.getKey();
      int nested = name.lastIndexOf('$');
      if (nested < 0 || kept.contains(name.substring(0, nested))) {
        kept.add(name);
        out.add("");
        out.addAll(type.getValue());
      }
    }
    return out;
  }

  private static String modifiers(Set<ModuleDescriptor.Requires.Modifier> modifiers) {
    // In the order Java source writes them: requires static transitive.
    return (modifiers.contains(ModuleDescriptor.Requires.Modifier.STATIC) ? "static " : "")
        + (modifiers.contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE) ? "transitive " : "");
  }

  /**
   * The declaration and the public and protected members of one class (with the classes a sealed
   * class permits), or nothing if the class is not public.
   */
  private static List<String> javap(Path classFile) {
    List<String> block = new ArrayList<>();
    Set<String> members = new TreeSet<>();
    for (String line : run("-protected", classFile)) {
      if (line.isBlank() || line.startsWith("Compiled from ") || line.equals("}")) {
        continue;
      }
      if (block.isEmpty() && !line.startsWith(" ")) {
        if (!(line.startsWith("public ") || line.startsWith("protected "))) {
          return List.of();
        }
        block.add(line.endsWith(" {") ? line.substring(0, line.length() - 2) : line);
      } else {
        members.add("  " + line.strip());
      }
    }
    // javap prints no "sealed ... permits" before JDK 19: read the PermittedSubclasses attribute.
    Set<String> permitted = new TreeSet<>();
    boolean inPermitted = false;
    for (String line : run("-v", classFile)) {
      if (line.equals("PermittedSubclasses:")) {
        inPermitted = true;
      } else if (inPermitted && line.startsWith("  ")) {
        permitted.add(line.strip().replace('/', '.'));
      } else {
        inPermitted = false;
      }
    }
    if (!permitted.isEmpty()) {
      block.add("  sealed, permits " + String.join(", ", permitted));
    }
    block.addAll(members);
    return block;
  }

  private static List<String> run(String option, Path classFile) {
    ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
    StringWriter text = new StringWriter();
    StringWriter errors = new StringWriter();
    int rc = javap.run(new PrintWriter(text), new PrintWriter(errors), option, classFile.toString());
    if (rc != 0) {
      throw new IllegalStateException("javap " + option + " failed on " + classFile + ": " + errors);
    }
    return List.of(text.toString().split("\\R"));
  }

  /** A line diff (longest common subsequence) with two lines of context around each change. */
  static List<String> diff(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> edits = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        edits.add("  " + a.get(i++));
        j++;
      } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
        edits.add("+ " + b.get(j++));
      } else {
        edits.add("- " + a.get(i++));
      }
    }
    List<String> shown = new ArrayList<>();
    int lastShown = -1;
    for (int k = 0; k < edits.size(); k++) {
      boolean near = false;
      for (int d = Math.max(0, k - 2); d <= Math.min(edits.size() - 1, k + 2) && !near; d++) {
        near = !edits.get(d).startsWith("  ");
      }
      if (near) {
        if (lastShown >= 0 && k > lastShown + 1) {
          shown.add("...");
        }
        shown.add(edits.get(k));
        lastShown = k;
      }
    }
    return shown;
  }

  private ApiListing() {}
}
