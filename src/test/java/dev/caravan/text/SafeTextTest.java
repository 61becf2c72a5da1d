package dev.caravan.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTest {

    @Test
    void namesWhatCannotBeStored() {
        assertThat(SafeText.problem("gpt-4o")).isNull();
        assertThat(SafeText.problem("\u05e9\u05dc\u05d5\u05dd \ud83d\ude00 e\u0301")).isNull();
        assertThat(SafeText.problem("nope\u0000")).isEqualTo("contains a NUL character");
        assertThat(SafeText.problem("a\u001bb")).isEqualTo("contains a control character (U+001B)");
        assertThat(SafeText.problem("a\nb")).isEqualTo("contains a control character (U+000A)");
        assertThat(SafeText.problem("a\ud800")).isEqualTo("contains an unpaired UTF-16 surrogate");
        assertThat(SafeText.problem("\udc00a")).isEqualTo("contains an unpaired UTF-16 surrogate");
    }

    @Test
    void storesAnythingKeepingWhatItCan() {
        String clean = "claude-sonnet-4-5";
        assertThat(SafeText.forStorage(clean, 256)).isSameAs(clean);
        assertThat(SafeText.forStorage("a\u0000b\ud800c\u0085\ud83d\ude00", 256)).isEqualTo("a\uFFFDb\uFFFDc\uFFFD\ud83d\ude00");
        assertThat(SafeText.forStorage("abcdef", 3)).isEqualTo("abc");
        // a cut never splits a surrogate pair into an unstorable half
        assertThat(SafeText.forStorage("ab\ud83d\ude00", 3)).isEqualTo("ab");
        assertThat(SafeText.forStorage(null, 3)).isNull();
    }
}
