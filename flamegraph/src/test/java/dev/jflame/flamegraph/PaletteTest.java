package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PaletteTest {

    @Test
    void sameNameGetsTheSameColourEveryTime() {
        for (Palette palette : Palette.values()) {
            assertEquals(palette.color("com.example.App.main"), palette.color(new String("com.example.App.main")));
        }
        // pinned: colours must not change between releases, or shared graphs stop matching
        assertEquals(Palette.fnv1a("com.example.App.main"), Palette.fnv1a("com.example.App.main"));
        assertEquals(0x811c9dc5, Palette.fnv1a(""));
    }

    @Test
    void differentNamesUsuallyGetDifferentShades() {
        assertNotEquals(Palette.JAVA.color("a.B.c"), Palette.JAVA.color("a.B.d"));
    }

    @Test
    void javaPaletteGivesEachFrameKindItsHue() {
        Rgb java = Palette.JAVA.color("java.util.HashMap.put");
        assertTrue(java.green() > java.red() && java.green() > java.blue(), "Java is green: " + java);
        Rgb nativeMethod = Palette.JAVA.color("java.io.FileInputStream.readBytes [native]");
        assertTrue(nativeMethod.red() > 150 && nativeMethod.green() > 150 && nativeMethod.blue() < 120, "[native] is yellow: " + nativeMethod);
        Rgb kernel = Palette.JAVA.color("do_syscall_64_[k]");
        assertTrue(kernel.red() > 200 && kernel.green() < 170 && kernel.blue() < 60, "kernel is orange: " + kernel);
        Rgb thread = Palette.JAVA.color("[main tid=1]");
        assertTrue(thread.blue() > thread.red() && thread.blue() > thread.green(), "threads are blue: " + thread);
        Rgb pseudo = Palette.JAVA.color("[gc_active]");
        assertEquals(pseudo.red(), pseudo.green(), "pseudo frames are grey: " + pseudo);
        assertEquals(pseudo.green(), pseudo.blue(), "pseudo frames are grey: " + pseudo);
    }

    @Test
    void palettesAreFoundByCaseInsensitiveNameAndUnknownNamesListTheChoices() {
        assertEquals(Palette.HOT, Palette.byName("Hot"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Palette.byName("rainbow"));
        assertTrue(error.getMessage().contains("java, hot, mem, io"), error.getMessage());
    }

    @Test
    void hexIsSixLowercaseDigits() {
        assertEquals("#0a0b0c", new Rgb(10, 11, 12).hex());
        assertEquals("#ffffff", new Rgb(255, 255, 255).hex());
    }
}
