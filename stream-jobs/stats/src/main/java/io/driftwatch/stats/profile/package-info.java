/**
 * Mergeable, serializable feature profiles and drift computed from them (sketch mode), for the
 * streaming job: a {@link io.driftwatch.stats.profile.ReferenceProfile} holds one {@link
 * io.driftwatch.stats.profile.FeatureProfile} per feature (type, count, missing count, min/max,
 * moments, a KLL quantile sketch, frequent items for categoricals, exact counts of few distinct
 * values, and fixed bin edges with exact bin counts); {@link
 * io.driftwatch.stats.profile.ReferenceProfile#newWindow()} makes the matching empty window; {@link
 * io.driftwatch.stats.profile.ProfileDrift} compares the two with the same decision rules as exact
 * mode and states an error bound next to every sketched statistic.
 *
 * <p>Deviations from exact (Evidently) mode, by design: binned distances on numerical features with
 * many distinct values use the reference's fixed Sturges bins (plus underflow/overflow bins)
 * instead of edges recomputed over reference ∪ current, so that windows stay comparable and
 * mergeable; numerical Hellinger is then the Bhattacharyya form over those bins. Everything that
 * can be computed exactly from exact counts is (see {@link
 * io.driftwatch.stats.profile.ProfileDrift}).
 */
package io.driftwatch.stats.profile;
