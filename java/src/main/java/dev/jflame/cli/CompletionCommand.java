package dev.jflame.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame completion bash|zsh}: a shell completion script, made by picocli from jflame's own model. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Print a bash or zsh completion script for jflame.",
        description = {
            "Completes commands, options and the values of options that take one of a fixed set (-e, --format, "
                    + "--colors...). The zsh script runs through zsh's bash completion (bashcompinit).",
            "",
            "  source <(jflame completion bash)                  this shell only",
            "  jflame completion bash > ~/.local/share/bash-completion/completions/jflame",
            "  echo 'source <(jflame completion zsh)' >> ~/.zshrc",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 2 a usage error (a shell other than bash or zsh).")
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        // picocli's script serves both: under zsh it loads bashcompinit itself.
        String script = AutoComplete.bash("jflame", spec.root().commandLine());
        PrintWriter out = spec.commandLine().getOut();
        out.print(script);
        out.flush();
        return ExitCodes.OK;
    }
}
