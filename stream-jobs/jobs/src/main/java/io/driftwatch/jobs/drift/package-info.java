/**
 * The monitor job's data-drift, data-quality and prediction-drift branch: per model version and
 * event-time window, every input and every output is profiled with the stats module's sketches and
 * compared with the version's reference profile by Evidently's default method.
 *
 * <h2>Graph ({@link io.driftwatch.jobs.drift.DriftBranch})</h2>
 *
 * <ol>
 *   <li>{@code DecodePredictions} (traffic package) decodes each prediction once and emits an
 *       {@link io.driftwatch.jobs.drift.Observation} (a POJO of column names, kinds, numbers and
 *       texts) on a side output.
 *   <li>Phase one, keyed by {@code model/version#bucket} ({@link
 *       io.driftwatch.jobs.drift.PaneAggregator}): one {@link
 *       io.driftwatch.jobs.drift.WindowProfile} per pane (one slide of event time); while the
 *       bucket's share of the version's first records is not full, those records are also profiled
 *       and sent on once it is. Late records are counted ({@code
 *       driftwatch_drift_records_late_total}).
 *   <li>Phase two, keyed by {@code model/version} and connected to the broadcast profiles ({@link
 *       io.driftwatch.jobs.drift.DriftEvaluator}): merges the buckets' panes, and when the
 *       watermark passes a window's end evaluates it ({@link
 *       io.driftwatch.jobs.drift.DriftEvaluation}) and writes MetricSamples and DriftEvents.
 *   <li>The profiles topic ({@link io.driftwatch.jobs.drift.ProfileEnvelope} records) is read from
 *       the beginning, checked ({@link io.driftwatch.jobs.drift.DecodeProfiles}; bad records go to
 *       the DLQ and count in {@code driftwatch_records_rejected_total{topic="<profiles topic>"}})
 *       and broadcast as an idle stream, so it takes no part in event time.
 * </ol>
 *
 * <h2>State (all checkpointed; profiles by their own versioned codecs, never Kryo)</h2>
 *
 * <ul>
 *   <li>phase one: open panes per bucket; the bucket's share of the first records until sent;
 *   <li>phase two: merged panes until no window needs them; the first records until complete, then
 *       the bootstrapped reference (forever, per model version); broadcast: published profiles.
 * </ul>
 *
 * <h2>Decisions</h2>
 *
 * <ul>
 *   <li>Windows are profiled without knowing the reference: values are kept by the kind they had on
 *       the wire and the reference's column type is applied at evaluation; values of another kind
 *       are type mismatches. So partial windows always merge, and window profiles carry no fixed
 *       bin edges: binned methods on many-valued numerical columns (psi, kl_div, numerical
 *       jensenshannon and hellinger, none of them a default) use the sketch's PMF at the
 *       reference's bins, with the bound the stats module states.
 *   <li>A bootstrapped reference types a column by the kind most of its values had (numbers →
 *       numerical); unlike the legacy Evidently report it does not turn an integer column with ≤ 5
 *       values into a categorical one (the default method is the same: chisquare / z /
 *       jensenshannon).
 *   <li>The practical-significance gate is on by default ({@link
 *       io.driftwatch.jobs.drift.DriftConfig#DEFAULT_MIN_EFFECT_SIZE}); see {@code
 *       DemoDriftSimulationTest} for the false-alarm rates with and without it.
 *   <li>Drift windows allow no lateness: a record later than its pane is counted, not added (a late
 *       firing would rerun every test of the window for one record).
 *   <li>Sampling weights are not applied: drift compares distributions of captured records.
 *   <li>Records with no features at all (the sidecar could not read the request) are left out of
 *       the input profile rather than counted as missing everywhere; likewise for outputs.
 * </ul>
 */
package io.driftwatch.jobs.drift;
