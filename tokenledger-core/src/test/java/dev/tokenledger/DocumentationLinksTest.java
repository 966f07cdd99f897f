package dev.tokenledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md leads to a file of the repository, and none leaves
 * it (a clone has nothing beside it): what the README promises can be opened.
 */
class DocumentationLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  // [text](target) and ![alt](target); the target ends at white space or ')'
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)[^)]*\\)");

  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  @Test
  void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : documents()) {
      String text = Files.readString(doc);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z][a-z0-9+.-]*:.*") || target.startsWith("#")) {
          continue; // https:, mailto:, or an anchor in the same page
        }
        String file = target.replaceAll("#.*$", "");
        Path resolved = doc.getParent().resolve(file).normalize();
        checked++;
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
          broken.add(ROOT.relativize(doc) + ": " + target);
        }
      }
    }
    assertThat(broken).as("links that lead nowhere").isEmpty();
    assertThat(checked).as("relative links checked").isGreaterThan(5);
  }

  // a file named in `code`: docs/… or tokenledger-…/…, with an extension; build output excluded
  private static final Pattern NAMED_FILE =
      Pattern.compile("`((?:docs|tokenledger-[a-z]+)/[^`\\s*…]+\\.[a-z]+)`");

  @Test
  void everyRepositoryFileNamedInCodeExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = NAMED_FILE.matcher(Files.readString(doc));
      while (m.find()) {
        String name = m.group(1);
        if (!name.contains("/target/") && !Files.exists(ROOT.resolve(name))) {
          missing.add(ROOT.relativize(doc) + ": " + name);
        }
      }
    }
    assertThat(missing).as("files named that are not in the repository").isEmpty();
  }

  @Test
  void noDocumentPointsOutsideTheRepository() throws IOException {
    for (Path doc : documents()) {
      assertThat(Files.readString(doc))
          .as(ROOT.relativize(doc).toString())
          .doesNotContain("../shared")
          .doesNotContain("shared/DESIGN.md");
    }
  }
}
