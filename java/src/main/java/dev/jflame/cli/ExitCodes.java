package dev.jflame.cli;

/** jflame's own exit codes; `run` otherwise passes on the app's. Documented in `jflame --help`. */
final class ExitCodes {
    static final int OK = 0;
    static final int ERROR = 1;
    static final int USAGE = 2;
    static final int NO_PROFILE = 3;

    private ExitCodes() {
    }
}
