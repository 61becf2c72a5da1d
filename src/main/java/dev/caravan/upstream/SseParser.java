package dev.caravan.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import dev.caravan.openai.SseEvent;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts Server-Sent Events out of a byte stream that arrives in arbitrary chunks, by the WHATWG event-stream
 * rules: a line ends in LF, CRLF or CR; a line starting with {@code :} is a comment; a blank line ends an event; several {@code data:} lines
 * join with LF; {@code event:} names the event; other fields ({@code id}, {@code retry}) are ignored; an event
 * without any {@code data:} line is not dispatched.
 *
 * <p>Why not Vert.x's {@code RecordParser}: it splits on one fixed delimiter, while providers end events with
 * {@code \n\n}, {@code \r\n\r\n} or a mix, and a chunk may end between the {@code \r} and the {@code \n}. This
 * parser looks at one byte at a time and remembers a trailing CR across chunks instead.
 *
 * <p>Allocation-light: the current line and the event's data are kept as bytes in two reused arrays and
 * decoded once, when the event is complete, so one event costs its data string, its name string (if any) and
 * the {@link SseEvent}. Decoding whole events (not chunks) also keeps a UTF-8 character that a chunk boundary
 * splits intact. Not thread-safe: one parser per stream, fed on that stream's context.
 */
public final class SseParser {

    /** A line or an event beyond the parser's limit: the stream is broken (or hostile), not merely slow. */
    public static final class EventTooLargeException extends IllegalStateException {
        EventTooLargeException(String message) {
            super(message);
        }
    }

    /** A provider never needs more than this for one event; a stream without line ends must not eat the heap. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<SseEvent> listener;
    private final int maxEventBytes;

    private byte[] line = new byte[256];
    private int lineLength;
    /** The previous byte was a CR: an LF right after it (perhaps in the next chunk) ends no second line. */
    private boolean skipLineFeed;

    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String eventName;

    public SseParser(Consumer<SseEvent> listener) {
        this(listener, DEFAULT_MAX_EVENT_BYTES);
    }

    public SseParser(Consumer<SseEvent> listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Parses one chunk and hands every event it completes to the listener, in order, before returning.
     *
     * @throws EventTooLargeException when a line or an event grows beyond the size limit
     */
    public void feed(Buffer chunk) {
        int length = chunk.length();
        int position = 0;
        if (skipLineFeed && length > 0) {
            skipLineFeed = false;
            if (chunk.getByte(0) == LF) {
                position = 1;
            }
        }
        int lineStart = position;
        while (position < length) {
            byte b = chunk.getByte(position);
            if (b == LF || b == CR) {
                appendToLine(chunk, lineStart, position);
                position++;
                if (b == CR) {
                    if (position < length) {
                        if (chunk.getByte(position) == LF) {
                            position++;
                        }
                    } else {
                        skipLineFeed = true;
                    }
                }
                endLine();
                lineStart = position;
            } else {
                position++;
            }
        }
        appendToLine(chunk, lineStart, length);
    }

    /**
     * The stream has ended: a last line without its line end still counts, and an event that lacks its closing
     * blank line is still dispatched (as browsers do).
     */
    public void finish() {
        if (lineLength > 0) {
            endLine();
        }
        if (hasData) {
            dispatch();
        }
        skipLineFeed = false;
    }

    private void appendToLine(Buffer chunk, int start, int end) {
        int count = end - start;
        if (count == 0) {
            return;
        }
        int needed = lineLength + count;
        if (needed > maxEventBytes) {
            throw new EventTooLargeException("event-stream line longer than " + maxEventBytes + " bytes");
        }
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(needed, line.length * 2)));
        }
        chunk.getBytes(start, end, line, lineLength);
        lineLength = needed;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            if (hasData) {
                dispatch();
            } else {
                eventName = null;
            }
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = indexOfColon(length);
        int fieldEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (fieldIs(DATA, fieldEnd)) {
            appendData(valueStart, length);
        } else if (fieldIs(EVENT, fieldEnd)) {
            eventName = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
    }

    private int indexOfColon(int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private boolean fieldIs(byte[] name, int fieldLength) {
        return fieldLength == name.length && Arrays.equals(line, 0, fieldLength, name, 0, fieldLength);
    }

    private void appendData(int start, int end) {
        int separator = hasData ? 1 : 0;
        int needed = dataLength + separator + (end - start);
        if (needed > maxEventBytes) {
            throw new EventTooLargeException("event-stream event larger than " + maxEventBytes + " bytes");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(needed, data.length * 2)));
        }
        if (hasData) {
            data[dataLength++] = LF;
        }
        System.arraycopy(line, start, data, dataLength, end - start);
        dataLength = needed;
        hasData = true;
    }

    private void dispatch() {
        SseEvent event = new SseEvent(eventName, new String(data, 0, dataLength, StandardCharsets.UTF_8));
        eventName = null;
        dataLength = 0;
        hasData = false;
        listener.accept(event);
    }
}
