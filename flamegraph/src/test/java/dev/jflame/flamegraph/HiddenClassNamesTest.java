package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HiddenClassNamesTest {

    @Test
    void lambdaCountersAndAddressesAreDroppedForEveryJdkSpelling() {
        assertEquals("com.example.Foo$$Lambda.run",
                HiddenClassNames.normalize("com.example.Foo$$Lambda$17/0x0000000800c0b000.run"));
        assertEquals("com.example.Foo$$Lambda.run",
                HiddenClassNames.normalize("com.example.Foo$$Lambda/0x000001000104a000.run"));
        assertEquals("com.example.Foo$$Lambda.run", HiddenClassNames.normalize("com.example.Foo$$Lambda$17/1234567.run"));
        assertEquals("com.example.Foo$$Lambda.run", HiddenClassNames.normalize("com.example.Foo$$Lambda$17.run"));
        assertEquals("com.example.Foo$$Lambda.apply:12",
                HiddenClassNames.normalize("com.example.Foo$$Lambda$3/0x00000008000c1234.apply:12"));
    }

    @Test
    void theAgentsDottedSpellingFromJvmtiIsNormalisedToo() {
        // As jflame's agent writes them on JDK 17 and on JDK 25 (JVMTI class signatures).
        assertEquals("L$$Lambda.run", HiddenClassNames.normalize("L$$Lambda$1.0x00007f41c0000a08.run"));
        assertEquals("L$$Lambda.run", HiddenClassNames.normalize("L$$Lambda.0x0000000022040210.run"));
        assertEquals("a.B$$Lambda.apply:7", HiddenClassNames.normalize("a.B$$Lambda.0x0000000022040210.apply:7"));
        assertEquals("java.lang.invoke.LambdaForm$MH.invoke",
                HiddenClassNames.normalize("java.lang.invoke.LambdaForm$MH.0x0000000800c0c400.invoke"));
        // Only an address that ends the class name goes.
        assertSame("a.Holder.0x1f", HiddenClassNames.normalize("a.Holder.0x1f"));
    }

    @Test
    void otherHiddenClassesLoseTheirAddress() {
        assertEquals("java.lang.invoke.LambdaForm$MH.invoke",
                HiddenClassNames.normalize("java.lang.invoke.LambdaForm$MH/0x0000000800c0c400.invoke"));
        assertEquals("java.lang.invoke.LambdaForm$DMH.invokeStatic",
                HiddenClassNames.normalize("java.lang.invoke.LambdaForm$DMH/0x000001000100a800.invokeStatic"));
    }

    @Test
    void ordinaryNamesAreReturnedAsTheyAre() {
        for (String name : List.of("java.util.HashMap.get", "Foo::bar(int)", "[main tid=1]", "a/b/c.d", "Lambda.run")) {
            assertSame(name, HiddenClassNames.normalize(name));
        }
    }

    @Test
    void parserNormalisesSoRunsWithDifferentLambdaIdsMerge() throws IOException {
        String text = "main;Foo$$Lambda$17/0x0000000800c0b000.run 3\nmain;Foo$$Lambda$18/0x0000000800c0b400.run 2\n";
        Profile normalised = new CollapsedParser().parse(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t");
        assertEquals(List.of(new Stack(List.of("main", "Foo$$Lambda.run"), 5)), normalised.stacks());

        Profile raw = new CollapsedParser().keepingRawNames().parse(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t");
        assertEquals(2, raw.stacks().size());
        assertEquals("Foo$$Lambda$17/0x0000000800c0b000.run", raw.stacks().get(0).frames().get(1));
    }
}
