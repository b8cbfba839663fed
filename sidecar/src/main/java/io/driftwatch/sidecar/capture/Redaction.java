package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Removes or hashes named features and outputs before a record leaves the pod. A redacted field is
 * removed from the record. A hashed field becomes the text of the lower-case hex SHA-256 of the
 * salt followed by the value's canonical text (UTF-8): a text as is; a whole number below 2^53
 * without a fraction ({@code 42}), other numbers as Java prints doubles ({@code 0.5}, {@code
 * 1.0E21}); {@code true}/{@code false}; a list of numbers as those texts joined by commas. A null
 * stays null. So {@code printf '%s%s' "$SALT" "$VALUE" | sha256sum} reproduces a hash.
 */
public final class Redaction {
  /** Changes nothing. */
  public static final Redaction NONE = new Redaction(Set.of(), Set.of(), "");

  private static final HexFormat HEX = HexFormat.of();

  private final Set<String> redact;
  private final Set<String> hash;
  private final byte[] salt;

  /**
   * @param redact names of features and outputs to remove
   * @param hash names of features and outputs to hash
   * @param salt prepended to each hashed value; empty for none (then low-entropy values such as
   *     e-mail addresses can be recovered by hashing guesses)
   */
  public Redaction(Collection<String> redact, Collection<String> hash, String salt) {
    this.redact = Set.copyOf(redact);
    this.hash = Set.copyOf(hash);
    this.salt = salt.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether this changes nothing. */
  public boolean isEmpty() {
    return redact.isEmpty() && hash.isEmpty();
  }

  /** The fields with the named ones removed or hashed; the same map when none is named. */
  public Map<String, Value> apply(Map<String, Value> fields) {
    if (isEmpty() || !touches(fields)) {
      return fields;
    }
    Map<String, Value> out = new LinkedHashMap<>();
    for (Map.Entry<String, Value> e : fields.entrySet()) {
      String name = e.getKey();
      if (redact.contains(name)) {
        continue;
      }
      Value v = e.getValue();
      if (hash.contains(name) && v.getKindCase() != Value.KindCase.NULL) {
        v = Value.newBuilder().setText(hash(canonicalText(v))).build();
      }
      out.put(name, v);
    }
    return out;
  }

  private boolean touches(Map<String, Value> fields) {
    for (String name : fields.keySet()) {
      if (redact.contains(name) || hash.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /** The hex SHA-256 of the salt followed by {@code text}. */
  String hash(String text) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform has SHA-256 (Java SE MessageDigest requirements).
      throw new IllegalStateException(e);
    }
    sha.update(salt);
    return HEX.formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The text a value is hashed as. */
  static String canonicalText(Value v) {
    switch (v.getKindCase()) {
      case TEXT:
        return v.getText();
      case NUMBER:
        return number(v.getNumber());
      case FLAG:
        return Boolean.toString(v.getFlag());
      case NUMBERS:
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.getNumbers().getValuesCount(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append(number(v.getNumbers().getValues(i)));
        }
        return sb.toString();
      default:
        return "";
    }
  }

  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
