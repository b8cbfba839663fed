package io.driftwatch.cli.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/** The layout of a data file: CSV with a header line, or one JSON object per line. */
public enum InputFormat {
  /** Comma-separated values with a header line, RFC 4180 quoting. */
  CSV,
  /** JSON lines: one flat JSON object per line; the first object's keys are the columns. */
  JSONL;

  /**
   * The format of {@code file}: {@code .jsonl}, {@code .ndjson} and {@code .json} (optionally
   * {@code .gz}) are JSON lines, {@code .csv} and {@code .tsv}-free names are CSV; any other name
   * is JSON lines when its first non-blank byte is <code>{</code>, else CSV.
   */
  public static InputFormat detect(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return JSONL;
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    try (InputStream in = TableReader.openStream(file)) {
      byte[] head = in.readNBytes(4096);
      for (byte b : head) {
        if (b == '{') {
          return JSONL;
        }
        if (b != ' '
            && b != '\t'
            && b != '\r'
            && b != '\n'
            && b != (byte) 0xEF
            && b != (byte) 0xBB
            && b != (byte) 0xBF) {
          return CSV;
        }
      }
      return CSV;
    }
  }
}
