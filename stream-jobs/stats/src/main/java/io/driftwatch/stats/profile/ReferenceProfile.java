package io.driftwatch.stats.profile;

import io.driftwatch.stats.Accumulator;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.drift.NumpyHistogram;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-feature profiles of a model version's reference data (training data, or the first N
 * records), and equally of each current window compared against it ({@link #newWindow()}).
 *
 * <p>{@link #add} takes one record as a map of feature name to value: features of the profile
 * missing from the record count as missing values, unknown names are ignored. {@link #merge} unions
 * the feature sets and merges common features, so it is associative and commutative whenever every
 * {@link FeatureProfile} merge is. Serialized by {@link #CODEC} (first byte = format version). Not
 * thread-safe.
 */
public final class ReferenceProfile
    implements Accumulator<Map<String, ?>, ReferenceProfile, ReferenceProfile> {

  /** The versioned codec (first byte = format version). */
  public static final Codec<ReferenceProfile> CODEC = new ReferenceProfileCodec();

  private final LinkedHashMap<String, FeatureProfile> features;

  private ReferenceProfile(LinkedHashMap<String, FeatureProfile> features) {
    this.features = features;
  }

  /**
   * A profile of the given (empty or filled) feature profiles, which it takes ownership of.
   *
   * @throws IllegalArgumentException for a null or blank feature name
   */
  public static ReferenceProfile of(Map<String, FeatureProfile> features) {
    LinkedHashMap<String, FeatureProfile> m = new LinkedHashMap<>();
    features.forEach(
        (name, p) -> {
          if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("feature name: " + name + " (expected: non-blank)");
          }
          m.put(name, p);
        });
    return new ReferenceProfile(m);
  }

  /** A builder for batch data: whole columns at once, with bin edges from the reference. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds one record (feature name → value). */
  @Override
  public void add(Map<String, ?> record) {
    for (Map.Entry<String, FeatureProfile> e : features.entrySet()) {
      e.getValue().add(record.get(e.getKey()));
    }
  }

  /**
   * Merges {@code other} feature by feature; features only {@code other} has are copied in.
   *
   * @throws IllegalArgumentException when a common feature's profiles are incompatible
   */
  @Override
  public void merge(ReferenceProfile other) {
    for (Map.Entry<String, FeatureProfile> e : other.features.entrySet()) {
      FeatureProfile mine = features.get(e.getKey());
      if (mine == null) {
        features.put(e.getKey(), e.getValue().result());
      } else {
        mine.merge(e.getValue());
      }
    }
  }

  /** A snapshot copy. */
  @Override
  public ReferenceProfile result() {
    return CODEC.decode(CODEC.encode(this));
  }

  /** Empty profiles with the same features, types, knobs and bin edges: a new current window. */
  public ReferenceProfile newWindow() {
    LinkedHashMap<String, FeatureProfile> m = new LinkedHashMap<>();
    features.forEach((k, v) -> m.put(k, v.emptyCopy()));
    return new ReferenceProfile(m);
  }

  /** The feature profiles by name, in insertion order (live views: do not modify). */
  public Map<String, FeatureProfile> features() {
    return Collections.unmodifiableMap(features);
  }

  /** One feature's profile, or null. */
  public FeatureProfile feature(String name) {
    return features.get(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceProfile p && Arrays.equals(CODEC.encode(this), CODEC.encode(p));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(CODEC.encode(this));
  }

  @Override
  public String toString() {
    return "ReferenceProfile" + features.values();
  }

  /**
   * Builds a reference profile from whole columns. Numerical columns get NumPy Sturges edges over
   * the reference's own non-missing values (n = their count) unless edges are given, and bin counts
   * exact from the first value on.
   */
  public static final class Builder {
    private final LinkedHashMap<String, FeatureProfile> features = new LinkedHashMap<>();
    private int kllK = FeatureProfile.DEFAULT_KLL_K;
    private int maxMapSize = FeatureProfile.DEFAULT_MAX_MAP_SIZE;

    private Builder() {}

    /** KLL k for numerical features added after this call. */
    public Builder kllK(int k) {
      this.kllK = k;
      return this;
    }

    /** Frequent-items map size for categorical features added after this call. */
    public Builder maxMapSize(int size) {
      this.maxMapSize = size;
      return this;
    }

    /** A numerical feature with Sturges edges over its finite values (no edges when none). */
    public Builder numerical(String name, double[] values) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      long n = 0;
      for (double v : values) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
          n++;
        }
      }
      double[] edges = n == 0 ? null : NumpyHistogram.sturgesEdges(min, max, n);
      return numerical(name, values, edges);
    }

    /** A numerical feature with the given bin edges (null for none). */
    public Builder numerical(String name, double[] values, double[] edges) {
      FeatureProfile p = FeatureProfile.numerical(kllK, edges);
      for (double v : values) {
        p.add(v);
      }
      return feature(name, p);
    }

    /** A categorical feature of labels (null and empty are missing). */
    public Builder categorical(String name, String[] values) {
      FeatureProfile p = FeatureProfile.categorical(maxMapSize, false);
      for (String v : values) {
        p.add(v);
      }
      return feature(name, p);
    }

    /** A categorical feature of numbers (NaN and ±∞ are missing). */
    public Builder categorical(String name, double[] values) {
      FeatureProfile p = FeatureProfile.categorical(maxMapSize, true);
      for (double v : values) {
        p.add(v);
      }
      return feature(name, p);
    }

    /** A prepared feature profile (owned by the result). */
    public Builder feature(String name, FeatureProfile profile) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("feature name: " + name + " (expected: non-blank)");
      }
      if (features.containsKey(name)) {
        throw new IllegalArgumentException("feature name: " + name + " (expected: unique)");
      }
      features.put(name, profile);
      return this;
    }

    /** The profile. */
    public ReferenceProfile build() {
      return new ReferenceProfile(new LinkedHashMap<>(features));
    }
  }

  /** Version 1: version byte, feature count, then per feature its UTF-8 name and profile bytes. */
  private static final class ReferenceProfileCodec implements Codec<ReferenceProfile> {
    private static final byte V1 = 1;

    @Override
    public byte[] encode(ReferenceProfile p) {
      LinkedHashMap<byte[], byte[]> parts = new LinkedHashMap<>();
      int size = 1 + 4;
      for (Map.Entry<String, FeatureProfile> e : p.features.entrySet()) {
        byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] body = FeatureProfile.CODEC.encode(e.getValue());
        parts.put(name, body);
        size += 4 + name.length + 4 + body.length;
      }
      ByteBuffer b = ByteBuffer.allocate(size);
      b.put(V1).putInt(parts.size());
      parts.forEach((name, body) -> b.putInt(name.length).put(name).putInt(body.length).put(body));
      return b.array();
    }

    @Override
    public ReferenceProfile decode(byte[] bytes) {
      if (bytes == null || bytes.length < 5) {
        throw new IllegalArgumentException(
            "reference profile: " + (bytes == null ? 0 : bytes.length) + " bytes (expected: >= 5)");
      }
      if (bytes[0] != V1) {
        throw new IllegalArgumentException(
            "reference profile: version " + bytes[0] + " (expected: 1)");
      }
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        int n = b.getInt();
        if (n < 0) {
          throw new IllegalArgumentException(
              "reference profile: " + n + " features (expected: >= 0)");
        }
        LinkedHashMap<String, FeatureProfile> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          byte[] name = new byte[b.getInt()];
          b.get(name);
          byte[] body = new byte[b.getInt()];
          b.get(body);
          m.put(new String(name, StandardCharsets.UTF_8), FeatureProfile.CODEC.decode(body));
        }
        if (b.hasRemaining()) {
          throw new IllegalArgumentException(
              "reference profile: " + b.remaining() + " trailing bytes (expected: 0)");
        }
        return new ReferenceProfile(m);
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("reference profile: corrupt bytes", e);
      }
    }
  }
}
