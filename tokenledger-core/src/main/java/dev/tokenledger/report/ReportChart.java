package dev.tokenledger.report;

import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.Require;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chart of a report, drawn off screen with XChart and written as PNG or SVG: the cost per
 * framework with its confidence interval, tokens over time stacked by framework or model, the cost
 * per step. Run with {@code -Djava.awt.headless=true} (the CLI sets it).
 */
final class ReportChart {
  /** Width in pixels unless told otherwise. */
  public static final int WIDTH = 1000;

  /** Height in pixels unless told otherwise. */
  public static final int HEIGHT = 600;

  private static final String MONEY_PATTERN = "$#,##0.00##";

  private final CategoryChart chart;

  private ReportChart(CategoryChart chart) {
    this.chart = chart;
  }

  /** One framework's (or other group's) cost per run, for {@link #costPerFramework}. */
  public record GroupCost(String group, RunStatistics costPerRun) {
    public GroupCost {
      Require.nonNull("group costPerRun", group, costPerRun);
    }
  }

  /** Tokens of one series (a framework or model) in one period, for {@link #tokensOverTime}. */
  public record TokenPoint(String period, String series, long tokens) {
    public TokenPoint {
      Require.nonNull("period series", period, series);
    }
  }

  /** The cost of one step for one series (a framework, a run), for {@link #costPerStep}. */
  public record StepCost(String step, String series, BigDecimal cost) {
    public StepCost {
      Require.nonNull("step series cost", step, series, cost);
    }
  }

  /**
   * Bars of the mean cost per run of each group, with the 95 % bootstrap confidence interval of the
   * mean drawn over each bar as an error bar from its low to its high end.
   */
  public static ReportChart costPerFramework(List<GroupCost> groups) {
    requireData(groups, "cost per framework");
    CategoryChart c = base("Cost per run by framework", "Framework", "Cost per run (USD)");
    c.getStyler().setYAxisDecimalPattern(MONEY_PATTERN);
    c.getStyler().setOverlapped(true);
    List<String> names = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> middles = new ArrayList<>();
    List<Double> halfWidths = new ArrayList<>();
    for (GroupCost g : groups) {
      RunStatistics s = g.costPerRun();
      names.add(g.group() + " (n=" + s.n() + ")");
      means.add(s.mean().doubleValue());
      // XChart's error bars are symmetric: centre an invisible point on the interval's middle so
      // that its bar spans exactly [low, high], even when the interval is not symmetric.
      middles.add(s.ciLow().add(s.ciHigh()).doubleValue() / 2);
      halfWidths.add(s.ciHigh().subtract(s.ciLow()).doubleValue() / 2);
    }
    c.addSeries("mean cost per run", names, means);
    CategorySeries ci = c.addSeries("95% bootstrap CI of the mean", names, middles, halfWidths);
    ci.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
    ci.setMarker(SeriesMarkers.NONE);
    c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
    return new ReportChart(c);
  }

  /** Stacked bars of tokens per period, one colour per series (framework or model). */
  public static ReportChart tokensOverTime(List<TokenPoint> points, String seriesLabel) {
    requireData(points, "tokens over time");
    CategoryChart c = base("Tokens over time by " + seriesLabel, "Period (UTC)", "Tokens");
    c.getStyler().setStacked(true);
    c.getStyler().setYAxisDecimalPattern("#,##0");
    Set<String> periods = new TreeSet<>();
    points.forEach(p -> periods.add(p.period()));
    addSums(
        c,
        List.copyOf(periods),
        points,
        TokenPoint::series,
        TokenPoint::period,
        p -> BigDecimal.valueOf(p.tokens()));
    return new ReportChart(c);
  }

  /** Bars of the cost of each step, side by side per series. */
  public static ReportChart costPerStep(List<StepCost> costs) {
    requireData(costs, "cost per step");
    CategoryChart c = base("Cost per step", "Step", "Cost (USD)");
    c.getStyler().setYAxisDecimalPattern(MONEY_PATTERN);
    Set<String> steps = new LinkedHashSet<>();
    costs.forEach(s -> steps.add(s.step()));
    addSums(c, List.copyOf(steps), costs, StepCost::series, StepCost::step, StepCost::cost);
    return new ReportChart(c);
  }

  /**
   * Adds a series for each series name of {@code items}, in the order the names first come, whose
   * value at each of {@code categories} is the sum of its items there (zero where it has none).
   */
  private static <T> void addSums(
      CategoryChart c,
      List<String> categories,
      List<T> items,
      Function<T, String> series,
      Function<T, String> category,
      Function<T, BigDecimal> value) {
    Map<String, Map<String, BigDecimal>> bySeries = new LinkedHashMap<>();
    for (T item : items) {
      bySeries
          .computeIfAbsent(series.apply(item), k -> new LinkedHashMap<>())
          .merge(category.apply(item), value.apply(item), BigDecimal::add);
    }
    bySeries.forEach(
        (name, sums) ->
            c.addSeries(
                name,
                categories,
                categories.stream()
                    .map(x -> (Number) sums.getOrDefault(x, BigDecimal.ZERO).doubleValue())
                    .toList()));
  }

  /** The chart's width in pixels. */
  public int width() {
    return chart.getWidth();
  }

  /** The chart's height in pixels. */
  public int height() {
    return chart.getHeight();
  }

  /** The chart as PNG bytes. */
  public byte[] png() {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("could not draw the chart as PNG", e);
    }
  }

  /** The chart as an SVG document. */
  public byte[] svg() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeSvg(out);
    return out.toByteArray();
  }

  private void writeSvg(OutputStream out) {
    try {
      VectorGraphicsEncoder.saveVectorGraphic(
          chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("could not draw the chart as SVG", e);
    }
  }

  /**
   * Writes the chart to {@code file} as PNG or SVG, chosen by its extension, replacing the file
   * atomically where the file system allows it.
   *
   * @throws ConfigurationException when the extension is neither {@code .png} nor {@code .svg}, or
   *     the file cannot be written
   */
  public void write(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    byte[] bytes;
    if (name.endsWith(".png")) {
      bytes = png();
    } else if (name.endsWith(".svg")) {
      bytes = svg();
    } else {
      throw new ConfigurationException(
          "chart file " + file + " must end in .png or .svg: the extension picks the format");
    }
    try {
      AtomicFile.write(file, bytes);
    } catch (IOException e) {
      throw new ConfigurationException("cannot write chart file " + file + ": " + e, e);
    }
  }

  private static CategoryChart base(String title, String xTitle, String yTitle) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    CategoryStyler s = c.getStyler();
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(java.awt.Color.WHITE);
    s.setPlotBackgroundColor(java.awt.Color.WHITE);
    s.setPlotGridVerticalLinesVisible(false);
    s.setAvailableSpaceFill(0.6);
    return c;
  }

  private static void requireData(List<?> data, String what) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("a chart of " + what + " needs at least one figure");
    }
  }
}
