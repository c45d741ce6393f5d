package dev.failover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * failoverctl, the operator's tool.
 *
 * <p>Exit codes: 0 success; 1 the command failed (I/O, a transient cloud error); 2 bad usage or
 * invalid input (the message names the field and the fix).
 */
@Command(
    name = "failoverctl",
    mixinStandardHelpOptions = true,
    version = "failoverctl " + Version.VERSION,
    description = {
      "Operate the failover controller: publish drain, restore, pin-serve, unpin, drill and forget"
          + " commands;"
          + " show status and the plan; review the audit log; simulate scenarios.",
      "Configuration comes from the same environment variables as the functions (see README)."
    },
    subcommands = {
      PublishCommand.Drain.class,
      PublishCommand.Restore.class,
      PublishCommand.PinServe.class,
      PublishCommand.Unpin.class,
      PublishCommand.Drill.class,
      PublishCommand.ForgetIncident.class,
      PublishCommand.ForgetBuild.class,
      StatusCommand.class,
      PlanCommand.class,
      AuditCommand.class,
      SimulateCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the command failed (I/O, a transient cloud error)",
      "2:bad usage or invalid input"
    })
public final class Failoverctl implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the tool and returns its exit code, without exiting (for tests). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cl = new CommandLine(new Failoverctl(), factory);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof IllegalArgumentException) {
            commandLine.getErr().println("failoverctl: " + ex.getMessage());
            return 2;
          }
          // what went wrong, in words: a class name tells an operator nothing
          commandLine.getErr().println("failoverctl: " + describe(ex));
          return 1;
        });
    return cl;
  }

  /** An unexpected failure's message, with its cause's when that says more. */
  static String describe(Throwable ex) {
    String m = ex.getMessage() == null || ex.getMessage().isBlank() ? "" : ex.getMessage();
    Throwable cause = ex.getCause();
    if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
      m = m.isEmpty() ? cause.getMessage() : m + ": " + cause.getMessage();
    }
    return m.isEmpty() ? "unexpected " + ex.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
