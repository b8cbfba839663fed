package io.driftwatch.cli.batch;

import io.driftwatch.stats.profile.ReferenceProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A reference profile on disk, with the model and version it belongs to. Layout, version 1 (all
 * integers big-endian):
 *
 * <pre>
 * 4 bytes  magic "DWPF"
 * 1 byte   envelope version (1)
 * int32 n, n bytes UTF-8   model
 * int32 n, n bytes UTF-8   model version
 * int64    rows read to build the profile
 * int32 n, n bytes         {@link ReferenceProfile#CODEC} bytes (themselves versioned)
 * int32    CRC-32 of every byte before it
 * </pre>
 *
 * <p>{@link #read} accepts every envelope version ever written and rejects truncated or corrupted
 * files.
 *
 * @param model the model name
 * @param version the model version
 * @param rows data rows the profile was built from
 * @param profile the profile
 */
public record ProfileFile(String model, String version, long rows, ReferenceProfile profile) {
  private static final byte[] MAGIC = {'D', 'W', 'P', 'F'};
  private static final byte V1 = 1;
  private static final int MAX_NAME = 1024;

  /** Validates the names. */
  public ProfileFile {
    if (model == null || model.isBlank() || model.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "model: " + model + " (expected: non-blank, at most " + MAX_NAME + " characters)");
    }
    if (version == null || version.isBlank() || version.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "version: " + version + " (expected: non-blank, at most " + MAX_NAME + " characters)");
    }
    if (rows < 0) {
      throw new IllegalArgumentException("rows: " + rows + " (expected: >= 0)");
    }
  }

  /** The file's bytes. */
  public byte[] encode() {
    byte[] m = model.getBytes(StandardCharsets.UTF_8);
    byte[] v = version.getBytes(StandardCharsets.UTF_8);
    byte[] p = ReferenceProfile.CODEC.encode(profile);
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + m.length + 4 + v.length + 8 + 4 + p.length + 4);
    b.put(MAGIC).put(V1);
    b.putInt(m.length).put(m).putInt(v.length).put(v).putLong(rows);
    b.putInt(p.length).put(p);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Decodes a profile file.
   *
   * @param name the file name, for messages
   * @throws IllegalArgumentException when the bytes are not a complete, intact profile file
   */
  public static ProfileFile decode(String name, byte[] bytes) {
    if (!hasMagic(bytes)) {
      throw new IllegalArgumentException(name + ": not a driftwatch profile (no DWPF header)");
    }
    if (bytes.length < 5 || bytes[4] != V1) {
      throw new IllegalArgumentException(
          name
              + ": profile envelope version "
              + (bytes.length < 5 ? "missing" : bytes[4])
              + " (expected: 1; written by a newer driftwatch?)");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      b.position(5);
      String model = utf8(b, MAX_NAME * 4);
      String version = utf8(b, MAX_NAME * 4);
      long rows = b.getLong();
      int n = b.getInt();
      if (n < 0 || n > b.remaining() - 4) {
        throw new IllegalArgumentException("profile length " + n);
      }
      byte[] p = new byte[n];
      b.get(p);
      int end = b.position();
      int stored = b.getInt();
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " trailing bytes");
      }
      CRC32 crc = new CRC32();
      crc.update(bytes, 0, end);
      if ((int) crc.getValue() != stored) {
        throw new IllegalArgumentException("checksum mismatch");
      }
      return new ProfileFile(model, version, rows, ReferenceProfile.CODEC.decode(p));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + ": corrupt or truncated profile (" + e.getMessage() + ")", e);
    }
  }

  /** Writes the file atomically (a temporary file renamed over the target). */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".profile", ".tmp");
    try {
      Files.write(tmp, encode());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a profile file.
   *
   * @throws IllegalArgumentException when it is missing or not an intact profile file
   */
  public static ProfileFile read(Path file) throws IOException {
    try {
      return decode(file.toString(), Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    }
  }

  /** Whether the file starts with the profile magic (false when it cannot be read). */
  public static boolean isProfile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return hasMagic(in.readNBytes(MAGIC.length));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean hasMagic(byte[] bytes) {
    return bytes != null
        && bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static String utf8(ByteBuffer b, int max) {
    int n = b.getInt();
    if (n < 0 || n > max || n > b.remaining()) {
      throw new IllegalArgumentException("string length " + n);
    }
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
