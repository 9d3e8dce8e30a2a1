package dev.jflame.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, so it is never out of step with the build. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"jflame " + (version == null ? "(development build)" : version)};
    }
}
