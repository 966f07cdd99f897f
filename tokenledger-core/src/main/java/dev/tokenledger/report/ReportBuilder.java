package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.ProvenanceStore.Accepted;
import dev.tokenledger.ledger.ProvenanceStore.ReportedRun;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.reconcile.MeteredRunFigures;
import dev.tokenledger.report.ReportPiece.Facts;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Builds reports from the ledger's reconciled figures (docs/design.md §6): each run's latest
 * successful reconcile attempt, its run and step figures and their lines per model, priced now with
 * one price table, so that a changed table changes every figure it concerns.
 */
public final class ReportBuilder {
  /** The label of a model a line did not name (it cannot be priced). */
  public static final String NO_MODEL = "(no model)";

  /** The label of a run without an API key id. */
  public static final String NO_KEY = "(no key)";

  /** The label of a run whose project is unknown and whose usage rows name none. */
  public static final String NO_PROJECT = "(no project)";

  /** The step label of a run's usage outside every step (or of a run without steps). */
  public static final String OUTSIDE_STEPS = "0 (outside steps)";

  /**
   * The source of every cost a report gives (docs/design.md §6): reconciled Usage API tokens priced
   * with the price table.
   */
  public static final String COST_SOURCE = "usage×price";

  private final Ledger ledger;
  private final CostCalculator calculator;
  private final Clock clock;

  public ReportBuilder(Ledger ledger, CostCalculator calculator) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.calculator = Objects.requireNonNull(calculator, "calculator");
    this.clock = ledger.clock();
  }

  /** The report {@code query} asks for. */
  public Report build(ReportQuery query) {
    ProvenanceStore store = ledger.provenanceStore();
    List<ReportPiece> pieces = new ArrayList<>();
    ReportGroup total = new ReportGroup(List.of());
    Map<String, List<RunFigure>> perFramework = new TreeMap<>();
    int withoutFigures = 0;
    Set<String> matchedModels = new TreeSet<>();
    // a report by step, project or model needs the steps' figures and lines; others the run's
    boolean steps =
        query.groups(ReportDimension.STEP)
            || query.groups(ReportDimension.PROJECT)
            || !query.models().isAll();
    RunQuery runs = runQuery(query);
    // the lines are read on a thread (and connection) of their own while the runs are read here
    FutureTask<Map<Long, List<LineFigure>>> reading =
        new FutureTask<>(() -> store.reportedLines(runs, steps));
    Thread reader = new Thread(reading, "tokenledger-report-lines");
    reader.setDaemon(true);
    reader.start();
    List<ReportedRun> all;
    Map<String, Accepted> audited;
    try {
      all = store.reportedRuns(runs, steps);
      // a metered run's audit is read from its accepted attempt
      audited =
          store.accepted(
              all.stream().filter(ReportedRun::metered).map(ReportedRun::id).toList(), false);
    } catch (RuntimeException e) {
      // the reader is done before the ledger can close
      try {
        reader.join();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    Map<Long, List<LineFigure>> linesByAttempt = store.completeLines(all, result(reading), steps);
    for (ReportedRun run : all) {
      Facts facts;
      List<Figure> figures;
      List<LineFigure> lines;
      if (run.metered()) {
        // a metered run's figures are its metered requests, whether audited yet or not
        MeteredRun m =
            MeteredRun.of(
                run.reconcileStatus(),
                ledger.meterStore().figures(run.id()),
                audited.get(run.id()));
        facts = Facts.of(m);
        figures = MeteredRunFigures.of(m.figures(), m.unmetered());
        lines = meteredLines(m);
      } else {
        if (run.attemptId() == null) {
          if (query.admits(RunStatus.of(run.reconcileStatus()))) {
            withoutFigures++;
          }
          continue;
        }
        facts = Facts.of(run.reconcileStatus());
        figures = run.figures();
        lines = linesByAttempt.getOrDefault(run.attemptId(), List.of());
      }
      if (!query.admits(facts.status())) {
        continue;
      }
      if (!query.models().isAll()) {
        List<LineFigure> kept =
            lines.stream().filter(l -> query.models().matches(model(l))).toList();
        if (kept.isEmpty()) {
          continue; // the run used none of these models
        }
        kept.forEach(l -> matchedModels.add(model(l)));
        figures = narrowed(figures, lines, kept);
        lines = kept;
      }
      // the total adds whole runs: the bounds of a run's steps do not add up to the run's bounds
      Figure runFigure = runFigure(figures);
      List<LineFigure> runLines = linesOf(lines, null);
      CostTotal runCost = price(runLines);
      pieces.addAll(pieces(query, run, figures, lines, runLines, runCost, facts));
      total.add(
          new ReportPiece(
              List.of(),
              run.id(),
              null,
              facts,
              runFigure.total(),
              runCost,
              runFigure.apportioned(),
              runFigure.lowerBound(),
              runFigure.upperBound()));
      perFramework
          .computeIfAbsent(run.framework(), f -> new ArrayList<>())
          .add(new RunFigure(runFigure.total().total(), runCost));
    }
    Map<List<String>, ReportGroup> groups = new LinkedHashMap<>();
    for (ReportPiece p : pieces) {
      groups.computeIfAbsent(p.key(), ReportGroup::new).add(p);
    }
    List<FrameworkStatistics> statistics =
        query.groups(ReportDimension.FRAMEWORK) ? statistics(perFramework) : List.of();
    return new Report(
        query,
        groups.values().stream().map(ReportGroup::row).toList(),
        total.row(),
        calculator.priceTable().version(),
        withoutFigures,
        statistics,
        clock.instant(),
        matchedModels);
  }

  /**
   * The figures of only the {@code kept} lines: a figure all of whose lines are kept stays as it
   * is, with its bounds; another becomes the sum of its kept lines, without bounds (they were
   * computed for all of its usage).
   */
  private static List<Figure> narrowed(
      List<Figure> figures, List<LineFigure> all, List<LineFigure> kept) {
    List<Figure> out = new ArrayList<>();
    for (Figure f : figures) {
      List<LineFigure> own = linesOf(all, f.step());
      List<LineFigure> keptOwn = linesOf(kept, f.step());
      // usage outside every step has bounds derived from the run's (RunFigures): narrowed, never
      if (!(f.step() != null && f.step().isOutside()) && own.size() == keptOwn.size()) {
        out.add(f);
        continue;
      }
      TokenCounts sum =
          keptOwn.stream().map(LineFigure::counts).reduce(TokenCounts.ZERO, TokenCounts::plus);
      Exactness exactness =
          keptOwn.stream().map(LineFigure::exactness).reduce(Exactness.EXACT, Exactness::and);
      out.add(new Figure(f.step(), sum, exactness, null, null, f.sharedMinutes()));
    }
    return out;
  }

  /**
   * A run's figures priced now: a metered run's metered figures, else its reconciled ones (empty
   * when no reconcile attempt of it succeeded).
   */
  public Optional<PricedRun> priced(RunRecord run) {
    ProvenanceStore store = ledger.provenanceStore();
    // a priced run tells the run's figure and lines alone
    Accepted found = store.accepted(List.of(run.id()), false).get(run.id());
    List<Figure> figures;
    List<LineFigure> lines;
    Instant at;
    if (run.metered()) {
      MeteredRun m =
          MeteredRun.of(run.reconcileStatus(), ledger.meterStore().figures(run.id()), found);
      figures = MeteredRunFigures.of(m.figures(), m.unmetered());
      lines = meteredLines(m);
      at =
          found != null
              ? found.attempt().attemptedAt()
              : Objects.requireNonNullElse(run.effectiveEnd(), clock.instant());
    } else {
      if (found == null) {
        return Optional.empty();
      }
      figures = found.figures();
      lines =
          store
              .lines(List.of(found.attempt().id()), false)
              .getOrDefault(found.attempt().id(), List.of());
      at = found.attempt().attemptedAt();
    }
    List<LineFigure> runLines = linesOf(lines, null);
    BigDecimal savings = BigDecimal.ZERO;
    Map<String, List<LineFigure>> byModel = new TreeMap<>();
    for (LineFigure l : runLines) {
      byModel.computeIfAbsent(model(l), m -> new ArrayList<>()).add(l);
      TokenCounts c = l.counts();
      if (c.cachedInput() > 0) {
        Optional<CostParts> actual = cost(l, c).parts();
        Optional<CostParts> uncached =
            cost(l, new TokenCounts(c.input(), 0, c.output(), c.requests())).parts();
        if (actual.isPresent() && uncached.isPresent()) {
          savings = savings.add(uncached.get().input().subtract(actual.get().input()));
        }
      }
    }
    List<PricedRun.ModelUsage> models = new ArrayList<>();
    byModel.forEach(
        (model, ls) ->
            models.add(
                new PricedRun.ModelUsage(
                    model,
                    ls.stream().map(LineFigure::counts).reduce(TokenCounts.ZERO, TokenCounts::plus),
                    price(ls))));
    // most tokens first; the TreeMap already ordered them by name for ties (a stable sort)
    models.sort(
        Comparator.comparingLong((PricedRun.ModelUsage m) -> m.tokens().total()).reversed());
    return Optional.of(
        new PricedRun(run, runFigure(figures).total(), price(runLines), savings, models, at));
  }

  /** What {@code task} gave, or what it threw. */
  private static <T> T result(Future<T> task) {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the ledger", e);
    }
  }

  /** The ledger query of a report's filters but its status. */
  public static RunQuery runQuery(ReportQuery query) {
    return RunQuery.all()
        .withExperiment(query.experiment())
        .withFramework(query.framework())
        .withSince(query.from())
        .withUntil(query.to());
  }

  /** A run's total tokens and cost, for the statistics per framework. */
  private record RunFigure(long tokens, CostTotal cost) {}

  /** The most threads a report's bootstraps run on. */
  private static final int BOOTSTRAP_THREADS = 8;

  /**
   * Each framework's statistics, every framework's bootstrap on a thread of its own (up to {@link
   * #BOOTSTRAP_THREADS}): the system shares the cores between them, so three frameworks on two
   * cores take one and a half frameworks' time, where a pool of two threads took two. Each draws
   * from its own generator: the figures do not depend on the threads.
   */
  private static List<FrameworkStatistics> statistics(Map<String, List<RunFigure>> perFramework) {
    if (perFramework.size() < 2) {
      return perFramework.entrySet().stream()
          .map(e -> statistics(e.getKey(), e.getValue()))
          .toList();
    }
    ExecutorService threads =
        Executors.newFixedThreadPool(
            Math.min(perFramework.size(), BOOTSTRAP_THREADS),
            task -> {
              Thread t = new Thread(task, "tokenledger-bootstrap");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<FrameworkStatistics>> each = new ArrayList<>();
      perFramework.forEach((f, runs) -> each.add(threads.submit(() -> statistics(f, runs))));
      List<FrameworkStatistics> out = new ArrayList<>();
      for (Future<FrameworkStatistics> f : each) {
        out.add(result(f));
      }
      return out;
    } finally {
      threads.shutdownNow();
    }
  }

  private static FrameworkStatistics statistics(String framework, List<RunFigure> runs) {
    List<Long> tokens = runs.stream().map(RunFigure::tokens).toList();
    List<BigDecimal> costs = new ArrayList<>();
    for (RunFigure f : runs) {
      if (f.cost().status() == CostStatus.PRICED) {
        costs.add(f.cost().total().orElseThrow());
      }
    }
    if (costs.size() == tokens.size()) {
      // every run priced: tokens and costs share one bootstrap's draws
      List<RunStatistics> both =
          RunStatistics.ofEach(
              List.of(tokens.stream().map(BigDecimal::valueOf).toList(), costs),
              RunStatistics.DEFAULT_SEED,
              RunStatistics.DEFAULT_RESAMPLES);
      return new FrameworkStatistics(framework, both.get(0), Optional.of(both.get(1)), 0);
    }
    return new FrameworkStatistics(
        framework,
        RunStatistics.ofCounts(tokens),
        costs.isEmpty() ? Optional.empty() : Optional.of(RunStatistics.of(costs)),
        runs.size() - costs.size());
  }

  /**
   * A figure (run or step) with the lines it is priced from, and their cost when it is known
   * already (a run's; null for a step's, priced when a piece needs it).
   */
  private record Unit(
      StepIndex step,
      String stepLabel,
      Instant start,
      Figure figure,
      List<LineFigure> lines,
      CostTotal cost) {}

  private List<ReportPiece> pieces(
      ReportQuery query,
      ReportedRun run,
      List<Figure> figures,
      List<LineFigure> lines,
      List<LineFigure> runLines,
      CostTotal runCost,
      Facts facts) {
    Figure runFigure = runFigure(figures);
    List<Unit> units = new ArrayList<>();
    if (query.groups(ReportDimension.STEP)) {
      Map<StepIndex, StepRecord> steps = new LinkedHashMap<>();
      for (StepRecord s : ledger.steps(run.id())) {
        steps.put(StepIndex.of(s.index()), s);
      }
      Figure outside = null;
      for (Figure f : figures) {
        if (f.isRun()) {
          continue;
        }
        if (f.step().isOutside()) {
          outside = f;
          continue;
        }
        StepRecord step = steps.get(f.step());
        String label = f.step() + (step == null ? "" : " " + step.name());
        units.add(
            new Unit(
                f.step(),
                label,
                step == null ? run.startedAt() : step.startedAt(),
                f,
                linesOf(lines, f.step()),
                null));
      }
      if (units.isEmpty()) {
        units.add(
            new Unit(
                StepIndex.OUTSIDE, OUTSIDE_STEPS, run.startedAt(), runFigure, runLines, runCost));
      } else if (outside != null) {
        units.add(
            new Unit(
                StepIndex.OUTSIDE,
                OUTSIDE_STEPS,
                run.startedAt(),
                outside,
                linesOf(lines, StepIndex.OUTSIDE),
                null));
      }
    } else {
      units.add(new Unit(null, null, run.startedAt(), runFigure, runLines, runCost));
    }
    // the projects of a run's lines, only for a report that shows them
    String project = query.groups(ReportDimension.PROJECT) ? project(run, lines) : null;
    List<ReportPiece> out = new ArrayList<>();
    for (Unit u : units) {
      if (query.groups(ReportDimension.MODEL)) {
        Map<String, List<LineFigure>> byModel = new TreeMap<>();
        for (LineFigure l : u.lines()) {
          byModel.computeIfAbsent(model(l), m -> new ArrayList<>()).add(l);
        }
        byModel.forEach(
            (model, ls) -> {
              TokenCounts tokens =
                  ls.stream().map(LineFigure::counts).reduce(TokenCounts.ZERO, TokenCounts::plus);
              boolean apportioned = ls.stream().anyMatch(LineFigure::apportioned);
              out.add(
                  new ReportPiece(
                      key(query, run, project, u, model),
                      run.id(),
                      u.step(),
                      facts,
                      tokens,
                      price(ls),
                      apportioned,
                      null,
                      null));
            });
      } else {
        Figure f = u.figure();
        out.add(
            new ReportPiece(
                key(query, run, project, u, null),
                run.id(),
                u.step(),
                facts,
                f.total(),
                u.cost() != null ? u.cost() : price(u.lines()),
                f.apportioned(),
                f.lowerBound(),
                f.upperBound()));
      }
    }
    return out;
  }

  private static List<String> key(
      ReportQuery query, ReportedRun run, String project, Unit unit, String model) {
    List<String> key = new ArrayList<>();
    for (ReportDimension d : query.by()) {
      key.add(
          switch (d) {
            case RUN -> run.id();
            case STEP -> unit.stepLabel();
            case FRAMEWORK -> run.framework();
            case MODEL -> model;
            case DAY -> unit.start().atZone(ZoneOffset.UTC).toLocalDate().toString();
            case KEY -> run.apiKeyId() == null ? NO_KEY : run.apiKeyId();
            case PROJECT -> project;
            case MONTH -> YearMonth.from(run.startedAt().atZone(ZoneOffset.UTC)).toString();
          });
    }
    return key;
  }

  /** The run's project, else the projects its usage rows name (sorted, comma-separated). */
  private static String project(ReportedRun run, List<LineFigure> lines) {
    if (run.projectId() != null) {
      return run.projectId();
    }
    Set<String> projects = new TreeSet<>();
    for (LineFigure l : lines) {
      if (l.line().projectId() != null) {
        projects.add(l.line().projectId());
      }
    }
    return projects.isEmpty() ? NO_PROJECT : String.join(",", projects);
  }

  // plain loops below: a report runs them for every run, mostly in cold code (C1 only)
  private static Figure runFigure(List<Figure> figures) {
    for (Figure f : figures) {
      if (f.isRun()) {
        return f;
      }
    }
    throw new IllegalStateException("a reconciled run has no run figure");
  }

  private static List<LineFigure> linesOf(List<LineFigure> lines, StepIndex step) {
    List<LineFigure> out = new ArrayList<>(lines.size());
    for (LineFigure l : lines) {
      if (Objects.equals(l.step(), step)) {
        out.add(l);
      }
    }
    return out.size() == lines.size() ? lines : out;
  }

  private static String model(LineFigure l) {
    return l.line().model() == null ? NO_MODEL : l.line().model();
  }

  private CostTotal price(List<LineFigure> lines) {
    CostTotal total = CostTotal.EMPTY;
    for (LineFigure l : lines) {
      total = total.plus(cost(l, l.counts()));
    }
    return total;
  }

  private Cost cost(LineFigure l, TokenCounts counts) {
    UsageLine u = l.line();
    return calculator.cost(model(l), counts, Boolean.TRUE.equals(u.batch()), u.serviceTier());
  }

  /**
   * A metered run's usage per step (step 0: tagged with no step), endpoint and model as lines to
   * price, and the run's per endpoint and model.
   */
  private static List<LineFigure> meteredLines(MeteredRun m) {
    List<LineFigure> out = new ArrayList<>();
    Map<List<Object>, TokenCounts> run = new LinkedHashMap<>();
    for (MeteredFigures.MeteredLine l : m.figures().lines()) {
      out.add(
          new LineFigure(
              0,
              l.step(),
              l.endpoint(),
              new UsageLine(l.model(), null, null, null),
              l.counts(),
              Exactness.EXACT,
              0,
              0));
      run.merge(Arrays.asList(l.endpoint(), l.model()), l.counts(), TokenCounts::plus);
    }
    run.forEach(
        (k, counts) ->
            out.add(
                new LineFigure(
                    0,
                    null,
                    (Endpoint) k.get(0),
                    new UsageLine((String) k.get(1), null, null, null),
                    counts,
                    Exactness.EXACT,
                    0,
                    0)));
    return out;
  }
}
