/**
 * Exact-mode data drift on raw samples, with the names, definitions, defaults and decision rules of
 * Evidently's legacy stattests (v0.7.x) and, for {@code linf} and base-2 Jensen–Shannon, NannyML.
 *
 * <p>Entry points: {@link io.driftwatch.stats.drift.DriftMethods} (ks, wasserstein, psi, kl_div,
 * jensenshannon, hellinger, chisquare, z, linf), {@link
 * io.driftwatch.stats.drift.DefaultMethodSelector} (Evidently's automatic choice), {@link
 * io.driftwatch.stats.drift.DatasetDrift} (share of drifted columns), {@link
 * io.driftwatch.stats.drift.ColumnTyper} (typing CSV columns like the legacy Report). Results are
 * {@link io.driftwatch.stats.drift.DriftResult}s with an effect size next to every p-value and an
 * optional practical-significance gate ({@link io.driftwatch.stats.drift.DriftOptions}).
 *
 * <p>Numerical agreement: the SciPy/NumPy building blocks are reproduced operation by operation
 * (ks_2samp's exact and "asymptotic" p-values, {@code kstwo}, NumPy's Sturges edges and histogram
 * rule, {@code entropy}, {@code jensenshannon}, {@code chisquare}, {@code norm.cdf}), and the
 * parity tests hold them to 1e-9 relative against SciPy 1.10.1 / NumPy 1.24.2.
 *
 * <p>Known deviations from Evidently:
 *
 * <ul>
 *   <li>chisquare with a single category: SciPy returns p = NaN (no drift in Evidently); here p = 1
 *       (statistic 0), which decides the same.
 *   <li>jensenshannon: a tiny negative divergence from rounding is clamped to 0 instead of giving
 *       NaN.
 *   <li>Integer-typed NumPy arrays: NumPy releases after 1.24 may widen Sturges bins of integer
 *       data to a width of at least 1; this package follows NumPy 1.24 and only sees doubles.
 *   <li>Text columns and the text/embedding drift methods are not implemented.
 *   <li>An empty side is an error result for that column (Evidently raises or returns NaN), and
 *       error columns count in neither part of the dataset drift share.
 * </ul>
 *
 * <p>No Flink, Kafka or Kubernetes types may appear here; this package is shared by the batch CLI,
 * the streaming job and the benchmarks.
 */
package io.driftwatch.stats.drift;
