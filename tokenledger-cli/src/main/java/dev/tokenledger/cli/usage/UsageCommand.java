package dev.tokenledger.cli.usage;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.KeyFilterMixin;
import dev.tokenledger.cli.shared.OutputFormat;
import dev.tokenledger.cli.shared.PricesMixin;
import dev.tokenledger.cli.shared.WindowMixin;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.keys.KeyIdResolver;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.probe.ProbeRequest;
import dev.tokenledger.probe.ProbeResult;
import dev.tokenledger.probe.UsageProbe;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The probe: what the Usage API recorded for a window, and what it cost. */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show what OpenAI's Usage API recorded for a window, and what it cost.",
      "The window: --since (default 1h) or --from/--to.",
      "Usage shows up in the API 5 to 60 minutes after the requests."
    })
public final class UsageCommand implements Callable<Integer> {
  private static final Duration DEFAULT_SINCE = Duration.ofHours(1);

  @Mixin CommandContext context;

  @Mixin WindowMixin window;

  @Option(
      names = "--model",
      split = ",",
      description =
          "Only these models. An undated name (gpt-4o-mini) takes in its dated snapshots"
              + " (gpt-4o-mini-2024-07-18); a dated name only itself.")
  List<String> models = new ArrayList<>();

  @Mixin KeyFilterMixin keys;

  @Option(
      names = "--user-id",
      split = ",",
      paramLabel = "ID",
      description = "Only usage of these users' keys (user-…; the API's user_ids).")
  List<String> userIds = new ArrayList<>();

  @Option(
      names = "--batch",
      paramLabel = "true|false",
      arity = "1",
      description = "Only Batch API usage (true) or only other usage (false). Default: both.")
  Boolean batch;

  @Option(
      names = "--group-by",
      split = ",",
      paramLabel = "DIM",
      description =
          "Show groups by: model, key, project, user, batch, service_tier, … (the names of"
              + " report --by; api_key_id, project_id and user_id are taken too)")
  List<String> groupBy = new ArrayList<>();

  @Option(
      names = "--bucket",
      paramLabel = "WIDTH",
      description = "Bucket width 1m, 1h or 1d. Default: 1m up to a day, 1h up to a week, else 1d.")
  String bucket;

  @Option(
      names = "--endpoint",
      split = ",",
      paramLabel = "NAME",
      description =
          "completions (default), embeddings, moderations, images, audio_speeches,"
              + " audio_transcriptions, vector_stores, code_interpreter_sessions,"
              + " file_search_calls, web_search_calls, or all.")
  List<String> endpoints = new ArrayList<>(List.of("completions"));

  @Mixin PricesMixin prices;

  @Mixin FormatMixin format;

  @Override
  public Integer call() {
    // The command line is checked before the configuration: a bad window is a usage error.
    WindowMixin.Window w = window.bounded(context.now(), DEFAULT_SINCE);
    TokenLedgerConfig cfg = context.config();
    UsageKey usageKey = cfg.usageKey();
    OpenAiAdminClient client = context.adminClientTellingRetries();
    List<String> keyIds = new ArrayList<>(keys.apiKeyIds());
    for (String framework : keys.frameworks()) {
      FrameworkKey fw = cfg.frameworkKey(framework);
      keyIds.add(new KeyIdResolver(client).keyId(fw));
    }
    ProbeRequest request = request(w, keyIds);
    ProbeLabels labels =
        new ProbeLabels(
            window.phrase(context.now(), DEFAULT_SINCE),
            usageKey.variable(),
            usageKey.key().redacted(),
            keys.frameworks().isEmpty()
                ? Optional.empty()
                : Optional.of(String.join(",", keys.frameworks())));
    UsageProbe probe = new UsageProbe(client, new CostCalculator(prices.table(cfg)));
    PrintWriter out = context.out();
    ProbeResult result;
    try {
      result = probe.probe(request);
    } catch (OpenAiException e) {
      if (format.format() == OutputFormat.JSON) {
        UsageJsonRenderer.renderError(request, labels, e, out);
        out.flush();
      }
      throw e;
    }
    switch (format.format()) {
      case JSON -> UsageJsonRenderer.render(result, labels, out);
      case CSV -> UsageCsvRenderer.render(result, out);
      case TABLE -> UsageTableRenderer.render(result, labels, out);
    }
    out.flush();
    return 0;
  }

  private ProbeRequest request(WindowMixin.Window w, List<String> keyIds) {
    Instant start = w.start();
    Instant end = w.end();
    BucketWidth width;
    try {
      width =
          bucket == null
              ? ProbeRequest.widthFor(Duration.between(start, end))
              : BucketWidth.fromWire(bucket);
      return new ProbeRequest(
          start,
          end,
          width,
          endpoints(),
          groupBy.stream().map(Dimension::parse).distinct().toList(),
          models,
          keyIds,
          keys.projects(),
          userIds,
          batch);
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
  }

  private List<UsageEndpoint> endpoints() {
    if (endpoints.stream().anyMatch(e -> e.equalsIgnoreCase("all"))) {
      return Arrays.asList(UsageEndpoint.values());
    }
    return endpoints.stream().map(UsageEndpoint::fromWireName).distinct().toList();
  }
}
