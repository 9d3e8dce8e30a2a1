package dev.jflame.cli;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option list of every command's help, grouped under headings by where each option is
 * declared: the command's own options, then sampling ({@link ProfilerOptions}), output
 * ({@link OutputOptions}), graph ({@link GraphOptions}), and the ones every command takes
 * (--help, --version, --verbose). The long pages (run, attach) read as sections this way, and the
 * shared groups read the same on every command.
 */
final class HelpSections {
    private static final Map<Class<?>, String> SHARED = Map.of(
            ProfilerOptions.class, "Sampling",
            OutputOptions.class, "Output",
            GraphOptions.class, "Graph");
    /** The heading of a command's own options where "Options" says too little. */
    private static final Map<String, String> OWN = Map.of(
            "run", "App and JVM",
            "demo", "Demo",
            "attach", "Attach",
            "top", "Table and live view");
    private static final String GENERAL = "General";

    private HelpSections() {
    }

    /** Groups the option list of {@code cli} and of all its subcommands. */
    static void install(CommandLine cli) {
        if (cli.getParent() != null) {
            // "Usage: jflame run [OPTIONS] APP.jar|MainClass [ARGS...]": the options are listed below.
            cli.getCommandSpec().usageMessage().abbreviateSynopsis(true).parameterListHeading("%n");
        }
        // A blank line between the one-line header and the usage line.
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER,
                help -> help.header().isEmpty() ? "" : help.header() + System.lineSeparator());
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpSections::options);
        for (CommandLine sub : cli.getSubcommands().values()) {
            install(sub);
        }
    }

    static String options(Help help) {
        Class<?> own = help.commandSpec().userObject() == null ? null : help.commandSpec().userObject().getClass();
        String ownHeading = OWN.getOrDefault(help.commandSpec().name(), "Options");
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        groups.put(ownHeading, new ArrayList<>());
        for (String heading : List.of("Sampling", "Output", "Graph", GENERAL)) {
            groups.put(heading, new ArrayList<>());
        }
        for (OptionSpec option : help.commandSpec().options()) {
            if (option.hidden()) {
                continue;
            }
            Class<?> declaring = option.userObject() instanceof Field field ? field.getDeclaringClass() : null;
            String heading = declaring == own || declaring == null ? ownHeading
                    : SHARED.getOrDefault(declaring, GENERAL);
            if (option.longestName().equals(ErrorReporter.VERBOSE)) {
                heading = GENERAL;
            }
            groups.get(heading).add(option);
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<OptionSpec>> group : groups.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            Help.Layout layout = help.createDefaultLayout();
            layout.addOptions(group.getValue(), help.parameterLabelRenderer());
            text.append(help.createHeading("%n" + group.getKey() + ":%n")).append(layout);
        }
        return text.toString();
    }
}
