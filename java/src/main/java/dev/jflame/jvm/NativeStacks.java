package dev.jflame.jvm;

/**
 * How the agent finds the native frames of a sample (its {@code nativestacks=} option):
 * {@code dwarf} unwinds with the DWARF call-frame information every library carries in
 * {@code .eh_frame} (libc, libjvm and zlib are built without frame pointers); {@code fp}
 * follows the frame-pointer chain only (cheaper, but it skips or loses frames of code built
 * without frame pointers); {@code off} records Java frames only.
 */
public enum NativeStacks {
    dwarf, fp, off
}
