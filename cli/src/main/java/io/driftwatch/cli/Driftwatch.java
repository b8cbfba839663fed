package io.driftwatch.cli;

import io.driftwatch.cli.batch.DriftCommand;
import io.driftwatch.cli.batch.ProfileCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code driftwatch} command: every component as a subcommand, plus the demo.
 *
 * <p>Exit codes: 0 ok, 1 findings (e.g. drift with {@code --fail-on-drift}), 2 usage or input
 * error, 3 a runtime failure (a port in use, a broker that cannot be reached).
 */
@Command(
    name = "driftwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Driftwatch.Version.class,
    description = "Observability and drift monitoring for machine-learning models.",
    subcommands = {
      DemoCommand.class,
      SidecarCommand.class,
      ModelServerCommand.class,
      JobCommand.class,
      ExporterCommand.class,
      BrokerCommand.class,
      InjectorCommand.class,
      ProfileCommand.class,
      DriftCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Driftwatch implements Runnable {
  /** Everything went fine. */
  public static final int OK = 0;

  /** The command ran and found something (drift, a failed check). */
  public static final int FINDINGS = 1;

  /** The command line or an input was wrong; the message says what. */
  public static final int USAGE = 2;

  /** The command could not run: a port in use, an unreachable broker. */
  public static final int FAILURE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int exit;
    try {
      exit = commandLine().execute(args);
    } catch (Throwable e) {
      // picocli hands Errors (out of memory, a missing class) back to the caller; exit 1 would
      // read as "findings".
      System.err.println("driftwatch: " + e);
      exit = FAILURE;
    }
    System.exit(exit);
  }

  /** The configured command line; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Driftwatch());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("driftwatch " + commandLine.getCommandName() + ": " + message(e));
          return e instanceof IllegalArgumentException ? USAGE : FAILURE;
        });
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.registerConverter(java.time.Duration.class, new DurationConverter());
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static String message(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Driftwatch.class.getPackage().getImplementationVersion();
      return new String[] {"driftwatch " + (v == null ? "dev" : v)};
    }
  }
}
