package dev.tokenledger.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class ReportChartTest {
  @TempDir Path dir;

  static ReportChart frameworks() {
    return ReportChart.costPerFramework(
        List.of(
            new ReportChart.GroupCost(
                "chatdev",
                RunStatistics.of(
                    List.of(
                        new BigDecimal("0.41"), new BigDecimal("0.52"), new BigDecimal("0.47")))),
            new ReportChart.GroupCost(
                "baes",
                RunStatistics.of(
                    List.of(
                        new BigDecimal("0.12"), new BigDecimal("0.15"), new BigDecimal("0.11"))))));
  }

  @Test
  void costPerFrameworkRendersAsAPngOfTheExpectedSize() throws IOException {
    Path file = dir.resolve("frameworks.png");

    frameworks().write(file);

    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(ReportChart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(ReportChart.HEIGHT);
    assertThat(distinctColours(image)).as("not a blank image").isGreaterThan(10);
  }

  @Test
  void tokensOverTimeRendersAsSvgWithTheExpectedSizeAndLabels() throws Exception {
    Path file = dir.resolve("tokens.svg");
    ReportChart chart =
        ReportChart.tokensOverTime(
            List.of(
                new ReportChart.TokenPoint("2025-10-26", "chatdev", 150_000),
                new ReportChart.TokenPoint("2025-10-26", "baes", 48_000),
                new ReportChart.TokenPoint("2025-10-27", "chatdev", 11_000)),
            "framework");

    chart.write(file);

    DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
    // Hermetic: the SVG names its DTD on www.w3.org; never fetch it.
    xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Element svg = xml.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    assertThat(svg.getTagName()).isEqualTo("svg");
    assertThat(Double.parseDouble(svg.getAttribute("width").replaceAll("[a-z]+$", "")))
        .isEqualTo(ReportChart.WIDTH);
    assertThat(Double.parseDouble(svg.getAttribute("height").replaceAll("[a-z]+$", "")))
        .isEqualTo(ReportChart.HEIGHT);
    // XChart draws text as outlines, so labels are paths, not <text> elements.
    assertThat(svg.getElementsByTagName("path").getLength()).isGreaterThan(20);
  }

  @Test
  void costPerStepRendersAsAPng() throws IOException {
    byte[] png =
        ReportChart.costPerStep(
                List.of(
                    new ReportChart.StepCost("design", "chatdev", new BigDecimal("0.10")),
                    new ReportChart.StepCost("code", "chatdev", new BigDecimal("0.25")),
                    new ReportChart.StepCost("design", "baes", new BigDecimal("0.04"))))
            .png();

    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(ReportChart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(ReportChart.HEIGHT);
  }

  @Test
  void aChartFileMustEndInPngOrSvg() {
    assertThatThrownBy(() -> frameworks().write(dir.resolve("chart.pdf")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must end in .png or .svg");
  }

  @Test
  void aChartNeedsFigures() {
    assertThatThrownBy(() -> ReportChart.costPerFramework(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a chart of cost per framework needs at least one figure");
  }

  private static long distinctColours(BufferedImage image) {
    return java.util.stream.IntStream.range(0, image.getWidth() * image.getHeight())
        .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth()))
        .distinct()
        .count();
  }
}
