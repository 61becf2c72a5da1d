package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.openai.SseEvent;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** An OpenAI-style stream with a comment, a named event, multi-line data and a UTF-8 multi-byte character. */
    private static final String SAMPLE = ": keep-alive\n"
            + "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Grüße 🐪\"}}]}\n\n"
            + "event: ping\ndata: {}\n\n"
            + "data: first line\ndata: second line\n\n"
            + "id: 7\nretry: 1000\ndata:no-space\n\n"
            + "data: [DONE]\n\n";

    private static final List<SseEvent> SAMPLE_EVENTS = List.of(
            new SseEvent(null, "{\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Grüße 🐪\"}}]}"),
            new SseEvent("ping", "{}"),
            new SseEvent(null, "first line\nsecond line"),
            new SseEvent(null, "no-space"),
            new SseEvent(null, "[DONE]"));

    @Test
    void lineFeedsEndLinesAndBlankLinesEndEvents() {
        assertThat(parse(SAMPLE)).containsExactlyElementsOf(SAMPLE_EVENTS);
    }

    @Test
    void carriageReturnLineFeedsWorkLikeLineFeeds() {
        assertThat(parse(SAMPLE.replace("\n", "\r\n"))).containsExactlyElementsOf(SAMPLE_EVENTS);
    }

    @Test
    void loneCarriageReturnsWorkLikeLineFeeds() {
        assertThat(parse(SAMPLE.replace("\n", "\r"))).containsExactlyElementsOf(SAMPLE_EVENTS);
    }

    @Test
    void mixedLineEndsInOneStream() {
        String mixed = "data: a\r\n\r\n" + "data: b\n\n" + "data: c\r\r" + "data: d\r\n\n" + "data: e\n\r\n"
                + "data: f\r\ndata: g\r\r\n";
        assertThat(parse(mixed)).extracting(SseEvent::data).containsExactly("a", "b", "c", "d", "e", "f\ng");
    }

    @Test
    void anEventSplitAtEveryBytePositionArrivesWhole() {
        for (String lineEnd : List.of("\n", "\r\n", "\r")) {
            byte[] bytes = SAMPLE.replace("\n", lineEnd).getBytes(StandardCharsets.UTF_8);
            for (int split = 0; split <= bytes.length; split++) {
                List<SseEvent> events = new ArrayList<>();
                SseParser parser = new SseParser(events::add);
                parser.feed(Buffer.buffer().appendBytes(bytes, 0, split));
                parser.feed(Buffer.buffer().appendBytes(bytes, split, bytes.length - split));
                parser.finish();
                assertThat(events).as("line end %s split at %d", escape(lineEnd), split)
                        .containsExactlyElementsOf(SAMPLE_EVENTS);
            }
        }
    }

    @Test
    void oneByteAtATimeIncludingBetweenCarriageReturnAndLineFeed() {
        byte[] bytes = SAMPLE.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[] {b}));
        }
        assertThat(events).containsExactlyElementsOf(SAMPLE_EVENTS);
    }

    @Test
    void eachEventIsHandedOnAsSoonAsItsBlankLineArrives() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer("data: one\n"));
        assertThat(events).isEmpty();
        parser.feed(Buffer.buffer("\ndata: tw"));
        assertThat(events).extracting(SseEvent::data).containsExactly("one");
        parser.feed(Buffer.buffer("o\r"));
        assertThat(events).hasSize(1);
        parser.feed(Buffer.buffer("\r"));
        assertThat(events).extracting(SseEvent::data).containsExactly("one", "two");
    }

    @Test
    void commentsAreSkippedEverywhere() {
        String text = ":hello\n: another\ndata: a\n:inside\ndata: b\n\n:trailing\n\n";
        assertThat(parse(text)).containsExactly(new SseEvent(null, "a\nb"));
    }

    @Test
    void eventNamesBelongToTheirEventOnly() {
        String text = "event: message_start\ndata: {\"a\":1}\n\ndata: plain\n\nevent: lonely\n\ndata: after\n\n";
        assertThat(parse(text)).containsExactly(
                new SseEvent("message_start", "{\"a\":1}"),
                new SseEvent(null, "plain"),
                new SseEvent(null, "after"));
    }

    @Test
    void fieldsWithoutColonAndEmptyDataLines() {
        assertThat(parse("data\n\ndata:\ndata:\n\nevent\ndata: x\n\n")).containsExactly(
                new SseEvent(null, ""),
                new SseEvent(null, "\n"),
                new SseEvent("", "x"));
    }

    @Test
    void onlyOneLeadingSpaceIsStripped() {
        assertThat(parse("data:  two spaces\n\n")).containsExactly(new SseEvent(null, " two spaces"));
    }

    @Test
    void finishDeliversALastEventWithoutItsBlankLine() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer("data: a\n\ndata: b"));
        assertThat(events).hasSize(1);
        parser.finish();
        assertThat(events).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    void everyLineEndingGivesTheSameEvents() {
        List<SseEvent> withLf = parse(SAMPLE + "data: unterminated");
        assertThat(withLf).isNotEmpty();
        for (String lineEnd : List.of("\r\n", "\r")) {
            String text = SAMPLE.replace("\n", lineEnd) + "data: unterminated";
            assertThat(parse(text)).as(escape(lineEnd)).containsExactlyElementsOf(withLf);
        }
    }

    @Test
    void anOverlongEventIsRefused() {
        SseParser parser = new SseParser(event -> { }, 64);
        assertThatThrownBy(() -> parser.feed(Buffer.buffer("data: " + "x".repeat(100))))
                .isInstanceOf(SseParser.EventTooLargeException.class);
        SseParser joined = new SseParser(event -> { }, 64);
        assertThatThrownBy(() -> joined.feed(Buffer.buffer(("data: " + "y".repeat(40) + "\n").repeat(3))))
                .isInstanceOf(SseParser.EventTooLargeException.class);
    }

    private static List<SseEvent> parse(String text) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer(text));
        parser.finish();
        return events;
    }

    private static String escape(String lineEnd) {
        return lineEnd.replace("\r", "\\r").replace("\n", "\\n");
    }
}
