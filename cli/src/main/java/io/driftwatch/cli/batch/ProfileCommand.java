package io.driftwatch.cli.batch;

import io.driftwatch.cli.Driftwatch;
import io.driftwatch.cli.DurationConverter;
import io.driftwatch.jobs.Topics;
import io.driftwatch.jobs.drift.ProfileEnvelope;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.profile.FeatureProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code driftwatch profile}: builds the reference profile of a model version from its training
 * data (CSV or JSON lines) in bounded memory and writes it as a {@link ProfileFile}.
 */
@Command(
    name = "profile",
    sortOptions = false,
    description = {
      "Builds a reference profile from training data (CSV with a header, or JSON lines) and"
          + " writes it to a file that `driftwatch drift --reference` reads, or publishes it to"
          + " the monitor job's profiles topic (--kafka), or both.",
      "Reads the file twice in bounded memory: first to type the columns (Evidently's legacy"
          + " rule) and fix the numerical bin edges, then to fill the sketches."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:profile written (and published)",
      "2:bad usage or bad input (FILE:LINE:COLUMN: reason)",
      "3:the profile could not be published (broker unreachable or no confirmation)"
    })
public final class ProfileCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "Data file.")
  Path input;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Model name.")
  String model;

  @Option(
      names = "--version",
      required = true,
      paramLabel = "V",
      description = "Model version the profile belongs to.")
  String version;

  @Option(
      names = "--out",
      paramLabel = "PROFILE",
      description = "Output file (for `driftwatch drift --reference`). Needed unless --kafka.")
  Path out;

  @Option(
      names = "--kafka",
      paramLabel = "BOOTSTRAP",
      description =
          "Also publish the profile to the monitor job's profiles topic on these brokers; the"
              + " running job uses it for this model version from then on, without a restart.")
  String kafka;

  @Option(
      names = "--profiles-topic",
      defaultValue = Topics.PROFILES,
      paramLabel = "TOPIC",
      description = "Profiles topic to publish to (default ${DEFAULT-VALUE}).")
  String profilesTopic;

  @Option(
      names = "--publish-timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the broker to confirm (default ${DEFAULT-VALUE}).")
  Duration publishTimeout;

  @Option(
      names = "--format",
      paramLabel = "csv|jsonl",
      description = "Input format. Default: from the file name, else from its first byte.")
  InputFormat format;

  @Mixin ColumnOptions columnOptions;

  @Option(
      names = "--kll-k",
      defaultValue = "" + FeatureProfile.DEFAULT_KLL_K,
      paramLabel = "K",
      description =
          "KLL sketch size of numerical columns, 8..65535 (default ${DEFAULT-VALUE}: rank error"
              + " 1.33%% at 99%% confidence; about 2.3/K^0.97).")
  int kllK;

  @Option(
      names = "--max-map-size",
      defaultValue = "" + FeatureProfile.DEFAULT_MAX_MAP_SIZE,
      paramLabel = "N",
      description =
          "Frequent-items map size of categorical columns, a power of 2 (default ${DEFAULT-VALUE}:"
              + " counts exact up to 768 categories).")
  int maxMapSize;

  @Override
  public Integer call() throws Exception {
    if (out == null && kafka == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing option: --out PROFILE or --kafka BOOTSTRAP (or both)");
    }
    if (model.isEmpty() || model.indexOf('/') >= 0) {
      throw new IllegalArgumentException("--model: '" + model + "' (expected: non-empty, no '/')");
    }
    if (kllK < 8 || kllK > 65535) {
      throw new IllegalArgumentException("--kll-k: " + kllK + " (expected: 8..65535)");
    }
    if (maxMapSize < 8 || Integer.bitCount(maxMapSize) != 1) {
      throw new IllegalArgumentException(
          "--max-map-size: " + maxMapSize + " (expected: a power of 2, >= 8)");
    }
    if (Files.isDirectory(input)) {
      throw new IllegalArgumentException(input + ": is a directory (expected: a data file)");
    }
    Profiler.Result result =
        Profiler.build(
            new Profiler.Settings(
                input,
                format,
                columnOptions.columns(),
                columnOptions.forcedTypes(),
                kllK,
                maxMapSize,
                w -> spec.commandLine().getErr().println(w)));
    ProfileFile file = new ProfileFile(model, version, result.rows(), result.profile());
    if (out != null) {
      try {
        file.write(out);
      } catch (IOException e) {
        throw new IllegalArgumentException("--out: cannot write " + out + " (" + e + ")");
      }
    }
    List<String> described = new ArrayList<>();
    for (Map.Entry<String, FeatureProfile> e : result.profile().features().entrySet()) {
      described.add(
          e.getKey()
              + " ("
              + (e.getValue().type() == ColumnType.NUMERICAL ? "numerical" : "categorical")
              + ")");
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "Profiled %d rows of %s for model %s version %s: %s%n",
            result.rows(),
            input,
            model,
            version,
            String.join(", ", described));
    if (out != null) {
      spec.commandLine()
          .getOut()
          .printf(Locale.ROOT, "Wrote %s (%d bytes)%n", out, Files.size(out));
    }
    if (kafka != null) {
      ProfileEnvelope envelope =
          ProfileEnvelope.of(
              model,
              version,
              "driftwatch profile " + input.getFileName(),
              System.currentTimeMillis(),
              result.profile(),
              null);
      try {
        RecordMetadata m = ProfilePublisher.publish(kafka, profilesTopic, envelope, publishTimeout);
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "Published to %s (partition %d, offset %d) as %s%n",
                m.topic(),
                m.partition(),
                m.offset(),
                envelope.seriesKey());
      } catch (ProfilePublisher.PublishException e) {
        spec.commandLine().getErr().println("driftwatch profile: " + e.getMessage());
        return Driftwatch.FAILURE;
      }
    }
    return Driftwatch.OK;
  }
}
