package io.driftwatch.cli.batch;

import io.driftwatch.cli.Driftwatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Runs the real {@code driftwatch} command line in-process and captures its output. */
final class Cli {
  record Result(int exit, String out, String err) {}

  private Cli() {}

  static Result run(String... args) {
    CommandLine cli = Driftwatch.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Writes lines (joined with \n, with a final newline) to a file in dir. */
  static Path write(Path dir, String name, String... lines) {
    return write(dir, name, List.of(lines));
  }

  static Path write(Path dir, String name, List<String> lines) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
