package dev.caravan.openai;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from a byte stream as they arrive (WHATWG event-stream rules: lines end in LF,
 * CRLF or CR; {@code :} starts a comment; a blank line ends an event; several {@code data:} lines join with
 * LF). It never reads ahead past what the upstream has sent, so each event is handed on as soon as it is
 * complete.
 */
public final class SseEventReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private boolean skipLineFeed;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    public SseEventReader(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the stream. */
    public SseEvent next() throws IOException {
        String event = null;
        StringBuilder data = null;
        String text;
        while ((text = readLine()) != null) {
            if (text.isEmpty()) {
                if (data != null) {
                    return new SseEvent(event, data.toString());
                }
                event = null;
                continue;
            }
            if (text.charAt(0) == ':') {
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (!value.isEmpty() && value.charAt(0) == ' ') {
                value = value.substring(1);
            }
            if ("data".equals(field)) {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            } else if ("event".equals(field)) {
                event = value;
            }
        }
        // a stream that ends without the final blank line still delivers its last event
        return data != null ? new SseEvent(event, data.toString()) : null;
    }

    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (position >= limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
                }
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit) {
                byte b = buffer[position];
                if (b == '\n' || b == '\r') {
                    line.write(buffer, start, position - start);
                    position++;
                    skipLineFeed = b == '\r';
                    return line.toString(StandardCharsets.UTF_8);
                }
                position++;
            }
            line.write(buffer, start, position - start);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
