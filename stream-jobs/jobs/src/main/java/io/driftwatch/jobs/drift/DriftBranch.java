package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.io.DeadLetter;
import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.jobs.io.RawRecord;
import io.driftwatch.jobs.io.RawRecordDeserializer;
import io.driftwatch.jobs.metrics.CountEvent;
import io.driftwatch.schema.MetricCatalog;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Wires the drift, data-quality and prediction-drift branch into the monitor job:
 *
 * <pre>
 * observations ─► keyBy model/version#bucket ─► PaneAggregator ─┬─► panes, first-record shares
 *                                                               └─► late ─► count
 *   ─► keyBy model/version ─► DriftEvaluator ─┬─► MetricSamples ─► metrics topic
 *                         ▲ broadcast         └─► DriftEvents ─► events topic
 * profiles topic ─► DecodeProfiles ─┬─► profile updates (idle: no event time)
 *                                   └─► dead letters ─► DLQ, count rejected
 * </pre>
 *
 * <p>Two-phase aggregation: each model version's records are spread over {@link
 * DriftConfig#bucketsFor} keys, so a single hot model keeps every subtask busy in phase one; phase
 * two merges one small profile per bucket and pane.
 */
public final class DriftBranch {

  private DriftBranch() {}

  /**
   * What the branch gives the rest of the job.
   *
   * @param metrics MetricSamples for the metrics topic
   * @param events DriftEvents for the events topic
   * @param deadLetters unreadable profile records, for the DLQ
   * @param counts counter increments (late predictions, rejected profiles) for the record counter
   */
  public record Outputs(
      DataStream<EncodedRecord> metrics,
      DataStream<EncodedRecord> events,
      DataStream<DeadLetter> deadLetters,
      DataStream<CountEvent> counts) {}

  /**
   * Adds the branch to {@code env}.
   *
   * @param observations the decoded predictions' projections, with event timestamps and watermarks
   * @param profilesTopic the compacted topic of published {@link ProfileEnvelope}s
   * @param groupId consumer group of the profiles source (it commits no offsets: the topic is read
   *     from the beginning on a fresh start and from the checkpoint on recovery)
   * @param bounded read the profiles topic up to its end offsets at start, then finish
   */
  public static Outputs build(
      StreamExecutionEnvironment env,
      DataStream<Observation> observations,
      DriftConfig config,
      int buckets,
      String bootstrapServers,
      String profilesTopic,
      String groupId,
      boolean bounded) {
    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrapServers)
            // A pattern, not a topic list: the job must run before anyone created the profiles
            // topic (a missing listed topic fails the job), and pick it up once it exists.
            .setTopicPattern(Pattern.compile(Pattern.quote(profilesTopic)))
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("partition.discovery.interval.ms", "10000")
            .setProperty("commit.offsets.on.checkpoint", "false");
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    KafkaSource<RawRecord> source = builder.build();
    SingleOutputStreamOperator<ProfileUpdate> profiles =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "profiles")
            .setParallelism(1)
            .uid("drift-profiles-source")
            .process(new DecodeProfiles())
            .setParallelism(1)
            .uid("drift-decode-profiles")
            .name("check profiles");
    DataStream<DeadLetter> deadLetters = profiles.getSideOutput(DecodeProfiles.DEAD_LETTERS);
    BroadcastStream<ProfileUpdate> published =
        profiles
            // Profiles are state, not events: this input must take no part in the evaluator's
            // event time, so it is idle for good (records still flow through an idle stream).
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<ProfileUpdate>forGenerator(ctx -> new AlwaysIdle<>()))
            .setParallelism(1)
            .uid("drift-profiles-watermarks")
            .name("idle")
            .broadcast(DriftEvaluator.PUBLISHED);

    SingleOutputStreamOperator<ProfilePart> parts =
        observations
            .keyBy(Observation::bucketKey)
            .process(
                new PaneAggregator(config.slide().toMillis(), config.referenceRecords(), buckets))
            .returns(TypeInformation.of(ProfilePart.class))
            .uid("drift-panes")
            .name("drift panes");
    SingleOutputStreamOperator<EncodedRecord> evaluated =
        parts
            .keyBy(ProfilePart::seriesKey)
            .connect(published)
            .process(new DriftEvaluator(config))
            .returns(TypeInformation.of(EncodedRecord.class))
            .uid("drift-evaluate")
            .name("drift evaluate");

    DataStream<CountEvent> late = parts.getSideOutput(PaneAggregator.LATE);
    DataStream<CountEvent> rejected =
        deadLetters
            .map(
                d ->
                    new CountEvent(
                        MetricCatalog.RECORDS_REJECTED_TOTAL.metricName(),
                        Map.of("stage", "job", "topic", profilesTopic, "reason", d.reasonCode)))
            .returns(CountEvent.class)
            .setParallelism(1)
            .name("count bad profiles");
    return new Outputs(
        evaluated,
        evaluated.getSideOutput(DriftEvaluator.EVENTS),
        deadLetters,
        late.union(rejected));
  }

  /**
   * Declares the stream idle for good and never emits a watermark. Not the end-of-time watermark:
   * an operator whose other input is idle for a moment (no predictions yet) would take that as its
   * own watermark, and since watermarks never go back, the windows of every later prediction would
   * never close.
   */
  private static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.markIdle();
    }
  }
}
