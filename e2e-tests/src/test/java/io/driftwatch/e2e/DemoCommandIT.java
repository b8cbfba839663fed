package io.driftwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.cli.Driftwatch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code driftwatch} command as a user runs it. */
class DemoCommandIT {

  @Test
  void demoRunsUnattendedAndCountsWhatItSent() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit =
          Driftwatch.commandLine()
              .execute(
                  "demo",
                  "--duration",
                  "20s",
                  "--rate",
                  "25",
                  "--window",
                  "3s",
                  "--progress-interval",
                  "5s",
                  "--sidecar-port",
                  "0",
                  "--sidecar-admin-port",
                  "0",
                  "--model-port",
                  "0",
                  "--metrics-port",
                  "0");
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    stdout.println(out);
    assertThat(exit).isEqualTo(0);
    assertThat(out)
        .contains("Prometheus       http://127.0.0.1:")
        .contains("Drift at +10s")
        .contains(">>> drift started")
        .containsPattern("\\[\\s+5s\\] requests sent \\d+");
    Matcher done =
        Pattern.compile(
                "Done: (\\d+) requests sent, (\\d+) predictions captured by the sidecar, (\\d+) counted by the job")
            .matcher(out);
    assertThat(done.find()).as(out).isTrue();
    long sent = Long.parseLong(done.group(1));
    long captured2 = Long.parseLong(done.group(2));
    long counted = Long.parseLong(done.group(3));
    assertThat(sent).isGreaterThan(300);
    assertThat(captured2).isEqualTo(sent);
    assertThat(counted).isEqualTo(captured2);
  }

  @Test
  void badOptionsExitWithTwoAndSayWhy() {
    StringWriter err = new StringWriter();
    CommandLine cli = Driftwatch.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("demo", "--duration", "soon")).isEqualTo(Driftwatch.USAGE);
    assertThat(err.toString()).contains("'soon' is not a duration");

    StringWriter err2 = new StringWriter();
    CommandLine cli2 = Driftwatch.commandLine();
    cli2.setErr(new PrintWriter(err2));
    assertThat(cli2.execute("exporter", "--listen", "nowhere")).isEqualTo(Driftwatch.USAGE);
    assertThat(err2.toString()).contains("--listen: 'nowhere' (expected: host:port)");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub :
        new String[] {
          "demo",
          "sidecar",
          "model-server",
          "job",
          "exporter",
          "broker",
          "injector",
          "profile",
          "drift"
        }) {
      StringWriter out = new StringWriter();
      CommandLine cli = Driftwatch.commandLine();
      cli.setOut(new PrintWriter(out));
      assertThat(cli.execute(sub, "--help")).as(sub).isEqualTo(0);
      assertThat(out.toString()).as(sub).contains("Usage: driftwatch " + sub);
    }
  }
}
