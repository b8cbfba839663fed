package io.driftwatch.jobs.drift;

/**
 * A pre-aggregated part of a model version's drift data, from one bucket: either one pane of a
 * drift window, or that bucket's share of the version's first records (the bootstrapped reference).
 * The profile travels as {@link WindowProfile#CODEC} bytes, encoded once per pane.
 */
public final class ProfilePart {
  public String model;
  public String version;

  /** True for a share of the first records, false for a pane. */
  public boolean bootstrap;

  /** The pane, Unix epoch ms, end exclusive; 0 for bootstrap parts. */
  public long start;

  public long end;

  public byte[] profile;

  public ProfilePart() {}

  static ProfilePart pane(String series, long start, long end, WindowProfile p) {
    return of(series, false, start, end, p);
  }

  static ProfilePart bootstrap(String series, WindowProfile p) {
    return of(series, true, 0, 0, p);
  }

  private static ProfilePart of(
      String series, boolean bootstrap, long start, long end, WindowProfile p) {
    ProfilePart part = new ProfilePart();
    int slash = series.indexOf('/');
    part.model = series.substring(0, slash);
    part.version = series.substring(slash + 1);
    part.bootstrap = bootstrap;
    part.start = start;
    part.end = end;
    part.profile = WindowProfile.CODEC.encode(p);
    return part;
  }

  /** {@code model/version}. */
  public String seriesKey() {
    return model + "/" + version;
  }
}
