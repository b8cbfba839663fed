package io.driftwatch.cli.batch;

import io.driftwatch.cli.Driftwatch;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code driftwatch drift}: compares current data with a reference (a data file: exact mode, or
 * sketch mode with {@code --sketch}; a profile: sketch mode) column by column with Evidently's
 * methods and decision rules, and reports the verdict as text, JSON or a self-contained HTML page.
 */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compares current data with a reference, column by column, with Evidently's drift"
          + " methods, defaults and thresholds; the dataset drifts when at least --drift-share of"
          + " the columns do.",
      "REF is a data file (exact mode: raw values in memory; or sketch mode with --sketch) or a"
          + " profile written by `driftwatch profile` (sketch mode: bounded memory, each statistic"
          + " with its error bound). CUR is a data file. Data files are CSV with a header or JSON"
          + " lines."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:compared (no dataset drift, or drift without --fail-on-drift)",
      "1:dataset drift detected and --fail-on-drift given",
      "2:bad usage or bad input (FILE:LINE:COLUMN: reason)"
    })
public final class DriftCommand implements Callable<Integer> {
  /** Output formats. */
  public enum Format {
    /** An aligned table. */
    TEXT,
    /** The JSON document the issue specifies. */
    JSON,
    /** One self-contained HTML page with histograms. */
    HTML
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "REF",
      description = "Reference data file, or a profile file.")
  Path reference;

  @Option(
      names = "--current",
      required = true,
      paramLabel = "CUR",
      description = "Current data file.")
  Path current;

  @Mixin ColumnOptions columnOptions;

  @Option(
      names = "--method",
      paramLabel = "NAME",
      description =
          "One method for every column: ks, wasserstein, psi, kl_div, jensenshannon, hellinger,"
              + " chisquare, z, linf. Default: Evidently's choice per column.")
  String method;

  @Option(
      names = "--threshold",
      paramLabel = "X",
      description =
          "Decision threshold. Default: the method's (0.05 for p-value tests, 0.1 for"
              + " distances).")
  Double threshold;

  @Option(
      names = "--min-effect-size",
      paramLabel = "X",
      description =
          "Practical-significance gate: a column only drifts if its effect size (KS D, Cramér's"
              + " V, or the distance) is at least X, Cohen's h at least 2X (the same effect, as"
              + " the monitor job gates it). Default: off, as in Evidently.")
  Double minEffectSize;

  @Option(
      names = "--js-log-base",
      defaultValue = "e",
      paramLabel = "e|2",
      description = "Log base of jensenshannon: e (Evidently, default) or 2 (NannyML).")
  String jsLogBase;

  @Option(
      names = "--exact",
      description = "Require exact mode (an error when REF is a profile). Default for data files.")
  boolean exact;

  @Option(
      names = "--sketch",
      description =
          "Sketch mode on a reference data file: profile it on the way (as `driftwatch profile`"
              + " does, default sketch sizes) and compare in memory that does not grow with the"
              + " number of rows; the reference and the current file are read in parallel. Each"
              + " statistic comes with its error bound. Implied when REF is a profile.")
  boolean sketch;

  @Option(
      names = "--format",
      defaultValue = "text",
      paramLabel = "json|text|html",
      description = "Output format (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--input-format",
      paramLabel = "csv|jsonl",
      description =
          "Format of the data files. Default: from each file's name, else its first byte.")
  InputFormat inputFormat;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the report here instead of to standard output.")
  Path out;

  @Option(names = "--fail-on-drift", description = "Exit with 1 when the dataset drifts.")
  boolean failOnDrift;

  @Option(
      names = "--drift-share",
      defaultValue = "" + DatasetDrift.DEFAULT_DRIFT_SHARE,
      paramLabel = "S",
      description =
          "The dataset drifts when at least this share of the columns drift (default"
              + " ${DEFAULT-VALUE}, as Evidently).")
  double driftShare;

  @Override
  public Integer call() throws Exception {
    DriftSettings settings = settings();
    if (Files.isDirectory(reference) || !Files.exists(reference)) {
      throw new IllegalArgumentException(
          reference + (Files.isDirectory(reference) ? ": is a directory" : ": no such file"));
    }
    boolean profile = ProfileFile.isProfile(reference);
    if (profile && exact) {
      throw new IllegalArgumentException(
          "--exact: "
              + reference
              + " is a profile (expected: the raw reference data; exact mode needs every value)");
    }
    if (sketch && exact) {
      throw new IllegalArgumentException("--sketch and --exact: choose one mode");
    }
    DriftReport report;
    if (profile) {
      report = SketchDrift.run(settings, ProfileFile.read(reference));
    } else if (sketch) {
      report = SketchDrift.runOnData(settings);
    } else {
      report = ExactDrift.run(settings);
    }
    String rendered =
        switch (format) {
          case JSON -> JsonReport.render(report);
          case TEXT -> TextReport.render(report);
          case HTML -> HtmlReport.render(report);
        };
    PrintWriter stdout = spec.commandLine().getOut();
    if (out != null) {
      try {
        Files.writeString(out, rendered, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("--out: cannot write " + out + " (" + e + ")");
      }
      stdout.println(TextReport.verdict(report.dataset()) + " Report: " + out);
    } else {
      stdout.print(rendered);
    }
    stdout.flush();
    return failOnDrift && report.dataset().drift() ? Driftwatch.FINDINGS : Driftwatch.OK;
  }

  private DriftSettings settings() {
    DriftMethod m = null;
    if (method != null) {
      try {
        m = DriftMethods.byName(method);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--method: " + method + " (expected one of: " + DriftMethods.all() + ")");
      }
    }
    if (threshold != null && !(threshold >= 0 && Double.isFinite(threshold))) {
      throw new IllegalArgumentException("--threshold: " + threshold + " (expected: >= 0)");
    }
    if (minEffectSize != null && !(minEffectSize >= 0 && Double.isFinite(minEffectSize))) {
      throw new IllegalArgumentException(
          "--min-effect-size: " + minEffectSize + " (expected: >= 0)");
    }
    if (!(driftShare >= 0 && driftShare <= 1)) {
      throw new IllegalArgumentException("--drift-share: " + driftShare + " (expected: 0..1)");
    }
    double base =
        switch (jsLogBase.toLowerCase(Locale.ROOT)) {
          case "e" -> Math.E;
          case "2" -> 2.0;
          default ->
              throw new IllegalArgumentException(
                  "--js-log-base: " + jsLogBase + " (expected: e or 2)");
        };
    DriftOptions options =
        DriftOptions.defaults()
            .withThreshold(threshold == null ? Double.NaN : threshold)
            .withMinEffectSize(minEffectSize == null ? Double.NaN : minEffectSize)
            .withJsLogBase(base);
    PrintWriter err = spec.commandLine().getErr();
    return new DriftSettings(
        reference,
        current,
        inputFormat,
        columnOptions.columns(),
        columnOptions.forcedTypes(),
        m,
        options,
        driftShare,
        format == Format.HTML,
        w -> {
          err.println(w);
          err.flush();
        });
  }
}
