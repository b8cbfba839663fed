package io.driftwatch.jobs;

import io.driftwatch.jobs.drift.DriftBranch;
import io.driftwatch.jobs.io.DeadLetter;
import io.driftwatch.jobs.io.DeadLetterSerializer;
import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.jobs.io.EncodedRecordSerializer;
import io.driftwatch.jobs.io.IdleAwareWatermarks;
import io.driftwatch.jobs.io.RawRecord;
import io.driftwatch.jobs.io.RawRecordDeserializer;
import io.driftwatch.jobs.io.StateDirectory;
import io.driftwatch.jobs.metrics.CountEvent;
import io.driftwatch.jobs.metrics.RecordCounter;
import io.driftwatch.jobs.traffic.DecodePredictions;
import io.driftwatch.jobs.traffic.TrafficAccumulatorSerializer;
import io.driftwatch.jobs.traffic.TrafficAggregate;
import io.driftwatch.jobs.traffic.TrafficEvent;
import io.driftwatch.jobs.traffic.TrafficWindowFunction;
import io.driftwatch.schema.MetricCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Driftwatch monitor job: one Flink job, each analysis a branch of it.
 *
 * <pre>
 * predictions topic ─► decode ─┬─► keyBy model/version ─► event-time window ─► traffic metrics ──┐
 *                              │                              └─ late records ─► count ──────────┤
 *                              ├─► observations ─► drift branch ─┬─► drift metrics ───────────────┤
 *                              │    profiles topic ─┘            ├─► DriftEvents ─► events topic  ├─► metrics topic
 *                              │                                 └─► late, bad profiles ─► count ─┤
 *                              └─► dead letters (and bad profiles) ─► DLQ topic                   │
 *                                       └─────────────────────► count rejected ──────────────────┘
 * </pre>
 *
 * <p>The drift branch ({@link DriftBranch}) profiles every input and output per model version over
 * its own windows and compares them with the version's reference profile; see {@code
 * io.driftwatch.jobs.drift}.
 *
 * <p>Event time is the Kafka record timestamp, which the sidecar sets to the capture time. Sources
 * commit offsets on checkpoints; every sink is transactional, so a consumer reading the metrics or
 * events topic with {@code isolation.level=read_committed} sees every window exactly once.
 */
public final class MonitorJob {
  /** The job's name in Flink. */
  public static final String NAME = "driftwatch-monitor";

  private static final Logger LOG = LoggerFactory.getLogger(MonitorJob.class);

  private MonitorJob() {}

  /** Configures checkpointing and builds the job graph into {@code env}. */
  public static void build(StreamExecutionEnvironment env, MonitorJobConfig c) {
    env.setParallelism(c.parallelism());
    if (c.stateDir() != null) {
      Path dir = Path.of(c.stateDir());
      Optional<Path> restore = StateDirectory.latestCheckpoint(dir);
      restore.ifPresent(p -> LOG.info("Restoring the monitor job's state from {}", p));
      env.configure(StateDirectory.configuration(dir, restore));
    }
    env.enableCheckpointing(c.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getConfig().setAutoWatermarkInterval(200);
    // Chained operators hand records on without a defensive copy. Safe here: every operator makes
    // a fresh object per output and none keeps a reference to its input after returning.
    env.getConfig().enableObjectReuse();

    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(c.bootstrapServers())
            .setTopics(c.predictionsTopic())
            .setGroupId(c.groupId())
            .setStartingOffsets(committedOrEarliest())
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("partition.discovery.interval.ms", "30000")
            .setProperty("commit.offsets.on.checkpoint", "true");
    if (c.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    KafkaSource<RawRecord> source = builder.build();
    WatermarkStrategy<RawRecord> watermarks =
        WatermarkStrategy.<RawRecord>forGenerator(
                ctx ->
                    new IdleAwareWatermarks<>(
                        c.outOfOrderness(), c.idleTimeout(), System::currentTimeMillis))
            .withTimestampAssigner((record, kafkaTimestamp) -> record.timestampMillis);

    int driftBuckets = c.drift().enabled() ? c.drift().bucketsFor(c.parallelism()) : 0;
    SingleOutputStreamOperator<TrafficEvent> predictions =
        env.fromSource(source, watermarks, "predictions")
            .uid("predictions-source")
            .process(new DecodePredictions(driftBuckets))
            .uid("decode-predictions")
            .name("decode predictions");
    DataStream<DeadLetter> deadLetters = predictions.getSideOutput(DecodePredictions.DEAD_LETTERS);

    OutputTag<TrafficEvent> late =
        new OutputTag<>("late-predictions", TypeInformation.of(TrafficEvent.class));
    SingleOutputStreamOperator<EncodedRecord> traffic =
        predictions
            .keyBy(TrafficEvent::seriesKey)
            .window(TumblingEventTimeWindows.of(c.window()))
            .allowedLateness(c.allowedLateness())
            .sideOutputLateData(late)
            .aggregate(
                new TrafficAggregate(),
                new TrafficWindowFunction(),
                TrafficAccumulatorSerializer.TYPE_INFO,
                TrafficAccumulatorSerializer.TYPE_INFO,
                TypeInformation.of(EncodedRecord.class))
            .uid("traffic-window")
            .name("traffic window");

    DataStream<CountEvent> rejected =
        deadLetters
            .map(
                d ->
                    new CountEvent(
                        MetricCatalog.RECORDS_REJECTED_TOTAL.metricName(),
                        Map.of(
                            "stage", "job", "topic", c.predictionsTopic(), "reason", d.reasonCode)))
            .returns(CountEvent.class)
            .name("count rejected");
    DataStream<CountEvent> lateCounts =
        traffic
            .getSideOutput(late)
            .map(
                e ->
                    new CountEvent(
                        MetricCatalog.RECORDS_LATE_TOTAL.metricName(),
                        Map.of("model", e.model, "version", e.version)))
            .returns(CountEvent.class)
            .name("count late");
    DataStream<CountEvent> counts = rejected.union(lateCounts);
    DataStream<EncodedRecord> metrics = traffic;
    if (c.drift().enabled()) {
      DriftBranch.Outputs drift =
          DriftBranch.build(
              env,
              predictions.getSideOutput(DecodePredictions.OBSERVATIONS),
              c.drift(),
              driftBuckets,
              c.bootstrapServers(),
              c.profilesTopic(),
              c.groupId() + "-profiles",
              c.bounded());
      metrics = metrics.union(drift.metrics());
      counts = counts.union(drift.counts());
      deadLetters = deadLetters.union(drift.deadLetters());
      drift.events().sinkTo(eventsSink(c)).uid("events-sink").name("events topic");
    }
    DataStream<EncodedRecord> counters =
        counts
            .keyBy(CountEvent::key)
            .process(new RecordCounter())
            .uid("record-counter")
            .name("record counter");

    metrics.union(counters).sinkTo(metricsSink(c)).uid("metrics-sink").name("metrics topic");
    deadLetters.sinkTo(dlqSink(c)).uid("dlq-sink").name("dead-letter topic");
  }

  /** Builds the job into {@code env} and starts it without waiting for it to finish. */
  public static JobClient start(StreamExecutionEnvironment env, MonitorJobConfig c)
      throws Exception {
    build(env, c);
    return env.executeAsync(NAME);
  }

  // The connector for Flink 2.2 takes only kafka-clients' deprecated reset-strategy enum.
  @SuppressWarnings("deprecation")
  private static OffsetsInitializer committedOrEarliest() {
    return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
  }

  private static KafkaSink<EncodedRecord> metricsSink(MonitorJobConfig c) {
    return KafkaSink.<EncodedRecord>builder()
        .setBootstrapServers(c.bootstrapServers())
        .setRecordSerializer(new EncodedRecordSerializer(c.metricsTopic()))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(c.transactionalIdPrefix() + "-metrics")
        .setKafkaProducerConfig(producerConfig())
        .build();
  }

  private static KafkaSink<EncodedRecord> eventsSink(MonitorJobConfig c) {
    return KafkaSink.<EncodedRecord>builder()
        .setBootstrapServers(c.bootstrapServers())
        .setRecordSerializer(new EncodedRecordSerializer(c.eventsTopic()))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(c.transactionalIdPrefix() + "-events")
        .setKafkaProducerConfig(producerConfig())
        .build();
  }

  private static KafkaSink<DeadLetter> dlqSink(MonitorJobConfig c) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(c.bootstrapServers())
        .setRecordSerializer(new DeadLetterSerializer(c.dlqTopic()))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(c.transactionalIdPrefix() + "-dlq")
        .setKafkaProducerConfig(producerConfig())
        .build();
  }

  private static Properties producerConfig() {
    Properties p = new Properties();
    // Must not exceed the broker's transaction.max.timeout.ms (15 minutes by default).
    p.setProperty("transaction.timeout.ms", "600000");
    p.setProperty("compression.type", "lz4");
    p.setProperty("linger.ms", "20");
    return p;
  }
}
