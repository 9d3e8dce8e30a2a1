package dev.jflame.flamegraph;

import java.util.regex.Pattern;

/**
 * Removes the run-specific parts of lambda and hidden-class names, so that the same code has
 * the same frame name in every profile: {@code Foo$$Lambda$17/0x0000000800c0b000.run} (JDK 17),
 * {@code Foo$$Lambda/0x000001000104a000.run} (JDK 21+) and {@code Foo$$Lambda$17/1234.run}
 * (JDK 8) all become {@code Foo$$Lambda.run}; other hidden classes lose their address suffix
 * ({@code LambdaForm$MH/0x0000000800c0c400.invoke} becomes {@code LambdaForm$MH.invoke}).
 * JVMTI, and so jflame's agent, spells the address with a dot ({@code Foo$$Lambda$17.0x00007f41c0000a08.run},
 * {@code Foo$$Lambda.0x0000000022040210.run}); Java's own class names and JFR with a slash: both are handled.
 *
 * <p>The counter and address differ from run to run and between JVMs; left in, they would
 * give the same lambda a different {@code --hash} colour in each graph and make a diff show
 * it as removed in one place and added in another.
 */
public final class HiddenClassNames {

    private static final String LAMBDA = "$$Lambda";
    // A dotted address must be followed by the method's dot: it is the class name's last part.
    private static final Pattern LAMBDA_SUFFIX =
            Pattern.compile("\\$\\$Lambda(?:\\$\\d+)?(?:/(?:0x[0-9a-fA-F]+|\\d+)|\\.0x[0-9a-fA-F]+(?=\\.))?");
    private static final Pattern HIDDEN_CLASS_ADDRESS = Pattern.compile("/0x[0-9a-fA-F]+|\\.0x[0-9a-fA-F]+(?=\\.)");

    private HiddenClassNames() {
    }

    /** {@code name} without lambda counters and hidden-class addresses; {@code name} itself if it has none. */
    public static String normalize(String name) {
        if (!mayNeedNormalizing(name)) {
            return name;
        }
        String withoutLambdaIds = LAMBDA_SUFFIX.matcher(name).replaceAll("\\$\\$Lambda");
        return HIDDEN_CLASS_ADDRESS.matcher(withoutLambdaIds).replaceAll("");
    }

    /** A cheap test that rules out almost every name before any regex runs. */
    static boolean mayNeedNormalizing(String name) {
        return name.contains(LAMBDA) || name.contains("/0x") || name.contains(".0x");
    }
}
