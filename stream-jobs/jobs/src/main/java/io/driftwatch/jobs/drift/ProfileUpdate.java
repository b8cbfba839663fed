package io.driftwatch.jobs.drift;

/**
 * A checked record of the profiles topic, broadcast to every drift evaluator: a model version's new
 * published profile ({@link ProfileEnvelope} bytes), or its withdrawal ({@code profile} null).
 */
public final class ProfileUpdate {
  /** {@code model/version}. */
  public String series;

  public byte[] profile;

  public ProfileUpdate() {}

  ProfileUpdate(String series, byte[] profile) {
    this.series = series;
    this.profile = profile;
  }
}
