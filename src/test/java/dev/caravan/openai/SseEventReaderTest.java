package dev.caravan.openai;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventReaderTest {

    private static SseEventReader reader(String text) {
        return new SseEventReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEventsWithNamesAndAnyLineEnding() throws Exception {
        SseEventReader reader = reader("event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\ndata: b\rdata: c\r\r"
                + "data:no-space\n\n");
        assertThat(reader.next()).isEqualTo(new SseEvent("message_start", "{\"a\":1}"));
        assertThat(reader.next()).isEqualTo(new SseEvent(null, "b\nc"));
        assertThat(reader.next()).isEqualTo(new SseEvent(null, "no-space"));
        assertThat(reader.next()).isNull();
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossReads() throws Exception {
        String text = "data: " + "é".repeat(5000) + "\n\n";
        assertThat(reader(text).next().data()).isEqualTo("é".repeat(5000));
    }

    @Test
    void deliversALastEventWithoutTrailingBlankLine() throws Exception {
        SseEventReader reader = reader("data: last");
        assertThat(reader.next()).isEqualTo(new SseEvent(null, "last"));
        assertThat(reader.next()).isNull();
    }
}
