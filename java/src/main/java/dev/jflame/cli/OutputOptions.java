package dev.jflame.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the graph goes and how it is titled: shared by every command that writes one. */
final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write here instead of stdout. A name ending in .collapsed (or .txt) writes collapsed "
                    + "stacks; any other name an SVG flame graph. Written atomically: a file is complete or absent.")
    Path output;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title of the flame graph.")
    String title;

    ProfileOutput target() {
        return ProfileOutput.of(output, title);
    }
}
