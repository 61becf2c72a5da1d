import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake OpenAI upstream for the benchmark: {@code POST /v1/chat/completions} answered in OpenAI's wire format,
 * as fast as possible, so that the gateway and not the stub is what the benchmark measures.
 *
 * <p>Run: {@code java bench/stub/StubUpstream.java [port]} (default 9099). System properties:
 * <ul>
 *   <li>{@code stub.chunks} content chunks after the first (role) chunk of a stream, default 10</li>
 *   <li>{@code stub.chunkDelayMs} pause before each content chunk, default 20</li>
 *   <li>{@code stub.threads} {@code virtual} (default) or {@code platform}: one thread per connection</li>
 *   <li>{@code stub.bind} address to listen on, default 127.0.0.1</li>
 * </ul>
 *
 * <p>Why hand-written rather than {@code com.sun.net.httpserver}: the JDK server funnels every connection through
 * one dispatcher thread and builds a header map per request; on a 2-core box shared with the gateway and the load
 * generator every microsecond the stub spends is taken from the gateway. This is a minimal HTTP/1.1 keep-alive
 * server: one (virtual) thread per connection, blocking reads, one socket write per response (one per event for
 * streams, so each event leaves at once). The request body is not parsed as JSON: {@code stream},
 * {@code stream_options.include_usage} and {@code model} are picked out with regular expressions, which is all
 * the stub needs.
 */
public final class StubUpstream {

    private static final int CHUNKS = Integer.getInteger("stub.chunks", 10);
    private static final long CHUNK_DELAY_MS = Long.getLong("stub.chunkDelayMs", 20);
    private static final String[] WORDS = {"Hello", "!", " This", " is", " the", " benchmark", " stub", " speaking",
            ",", " fast", " and", " steady", "."};
    private static final String FINGERPRINT = "fp_b3n5c4stub";

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final byte[] CRLF = {'\r', '\n'};
    /** Non-stream answers differ only by model name: built once per model, then a single write. */
    private static final ConcurrentHashMap<String, byte[]> COMPLETIONS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9099;
        InetAddress bind = InetAddress.getByName(System.getProperty("stub.bind", "127.0.0.1"));
        ThreadFactory threads = "platform".equals(System.getProperty("stub.threads"))
                ? Thread.ofPlatform().name("conn-", 0).daemon().factory()
                : Thread.ofVirtual().name("conn-", 0).factory();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new java.net.InetSocketAddress(bind, port), 4096);
            System.out.printf("stub upstream listening on http://%s:%d/v1 (stream: 1+%d chunks, %d ms apart, %s threads)%n",
                    bind.getHostAddress(), server.getLocalPort(), CHUNKS, CHUNK_DELAY_MS,
                    System.getProperty("stub.threads", "virtual"));
            while (true) {
                Socket socket = server.accept();
                threads.newThread(new Connection(socket)).start();
            }
        }
    }

    /** One keep-alive connection: requests are read and answered in order until the client closes it. */
    private static final class Connection implements Runnable {
        private final Socket socket;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private InputStream in;
        private OutputStream out;

        Connection(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try (socket) {
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
                out = socket.getOutputStream();
                while (serveOne()) {
                    // next request on the same connection
                }
            } catch (IOException | InterruptedException e) {
                // the client went away; nothing to clean up beyond the socket
            }
        }

        /** Reads and answers one request; false when the connection should end. */
        private boolean serveOne() throws IOException, InterruptedException {
            String requestLine = readLine();
            if (requestLine == null) {
                return false;
            }
            if (requestLine.isEmpty()) {
                return true; // tolerate a stray CRLF between requests (RFC 9112 2.2)
            }
            String[] parts = requestLine.split(" ", 3);
            if (parts.length < 3) {
                respond(400, "application/json", error("Malformed request line.", "invalid_request_error"), true);
                return false;
            }
            String method = parts[0];
            String path = parts[1];
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            long contentLength = -1;
            boolean chunked = false;
            boolean close = parts[2].equals("HTTP/1.0");
            boolean authorized = false;
            String header;
            while ((header = readLine()) != null && !header.isEmpty()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.toLowerCase().contains("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    close = value.equalsIgnoreCase("close");
                } else if (name.equalsIgnoreCase("authorization")) {
                    authorized = value.regionMatches(true, 0, "Bearer ", 0, 7) && value.length() > 7;
                } else if (name.equalsIgnoreCase("expect") && value.equalsIgnoreCase("100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (header == null) {
                return false;
            }
            byte[] body = chunked ? readChunkedBody() : readBody(Math.max(0, contentLength));

            if (path.equals("/health") || path.equals("/v1/health")) {
                respond(200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII), close);
            } else if (!path.equals("/v1/chat/completions")) {
                respond(404, "application/json", error("Unknown request URL: " + method + " " + path
                        + ". Please check the URL for typos.", "invalid_request_error"), close);
            } else if (!method.equals("POST")) {
                respond(405, "application/json", error("Method not allowed.", "invalid_request_error"), close);
            } else if (!authorized) {
                respond(401, "application/json", error("You didn't provide an API key.", "invalid_request_error"), close);
            } else {
                String json = new String(body, StandardCharsets.UTF_8);
                Matcher model = MODEL.matcher(json);
                String modelName = model.find() ? model.group(1) : "stub-model";
                if (STREAM.matcher(json).find()) {
                    stream(modelName, INCLUDE_USAGE.matcher(json).find());
                } else {
                    byte[] response = COMPLETIONS.computeIfAbsent(modelName, StubUpstream::completionResponse);
                    out.write(response);
                }
            }
            return !close;
        }

        /** An SSE stream like OpenAI's: role chunk at once, content chunks paced, finish, optional usage, [DONE]. */
        private void stream(String model, boolean includeUsage) throws IOException, InterruptedException {
            String id = "chatcmpl-stub" + Long.toHexString(System.nanoTime());
            long created = System.currentTimeMillis() / 1000;
            String head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                    + ",\"model\":\"" + model + "\",\"service_tier\":\"default\",\"system_fingerprint\":\""
                    + FINGERPRINT + "\",\"choices\":[";
            // with include_usage OpenAI puts "usage":null on every chunk but the last
            String tail = includeUsage ? "],\"usage\":null}" : "]}";

            byte[] headers = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                    + "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\nx-request-id: req_stub\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            ChunkBuffer first = new ChunkBuffer();
            first.raw(headers);
            first.event(head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                    + "\"logprobs\":null,\"finish_reason\":null}" + tail);
            out.write(first.bytes());
            out.flush();

            for (int i = 0; i < CHUNKS; i++) {
                if (CHUNK_DELAY_MS > 0) {
                    Thread.sleep(CHUNK_DELAY_MS);
                }
                ChunkBuffer chunk = new ChunkBuffer();
                chunk.event(head + "{\"index\":0,\"delta\":{\"content\":\"" + WORDS[i % WORDS.length]
                        + "\"},\"logprobs\":null,\"finish_reason\":null}" + tail);
                if (i == CHUNKS - 1) {
                    end(chunk, head, tail, includeUsage);
                }
                out.write(chunk.bytes());
                out.flush();
            }
            if (CHUNKS == 0) {
                ChunkBuffer chunk = new ChunkBuffer();
                end(chunk, head, tail, includeUsage);
                out.write(chunk.bytes());
                out.flush();
            }
        }

        /** The finish chunk, the usage chunk when asked for, [DONE] and the end of the chunked body. */
        private static void end(ChunkBuffer chunk, String head, String tail, boolean includeUsage) {
            chunk.event(head + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}" + tail);
            if (includeUsage) {
                chunk.event(head + "]," + usageJson(CHUNKS) + "}");
            }
            chunk.event("[DONE]");
            chunk.raw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        private void respond(int status, String type, byte[] body, boolean close) throws IOException {
            String reason = switch (status) {
                case 200 -> "OK";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 404 -> "Not Found";
                case 405 -> "Method Not Allowed";
                default -> "Error";
            };
            out.write(httpResponse(status + " " + reason, type, body, close));
        }

        private byte[] readBody(long length) throws IOException {
            if (length > 64 * 1024 * 1024) {
                throw new IOException("request body too large");
            }
            byte[] body = new byte[(int) length];
            int filled = 0;
            while (filled < body.length) {
                if (position == limit && !fill()) {
                    throw new IOException("connection closed inside the body");
                }
                int n = Math.min(limit - position, body.length - filled);
                System.arraycopy(buffer, position, body, filled, n);
                position += n;
                filled += n;
            }
            return body;
        }

        private byte[] readChunkedBody() throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine();
                if (sizeLine == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                if (size == 0) {
                    String trailer;
                    while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                        // trailers are ignored
                    }
                    return body.toByteArray();
                }
                body.write(readBody(size));
                readLine(); // the CRLF after the chunk data
            }
        }

        /** A line of ASCII (request line, header, chunk size) without its CRLF; null at end of stream. */
        private String readLine() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (position == limit && !fill()) {
                    return line == null ? null : line.toString();
                }
                int start = position;
                while (position < limit) {
                    byte b = buffer[position];
                    if (b == '\n') {
                        int end = position;
                        position++;
                        if (end > start && buffer[end - 1] == '\r') {
                            end--;
                        }
                        String part = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                        if (line == null) {
                            return part;
                        }
                        line.append(part);
                        int last = line.length() - 1;
                        if (last >= 0 && line.charAt(last) == '\r') {
                            line.setLength(last);
                        }
                        return line.toString();
                    }
                    position++;
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                line.append(new String(buffer, start, position - start, StandardCharsets.ISO_8859_1));
                if (line.length() > 64 * 1024) {
                    throw new IOException("header line too long");
                }
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                position = limit = 0;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }
    }

    /** Collects SSE events, each as one chunk of the chunked response body, for a single socket write. */
    private static final class ChunkBuffer {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1024);

        void event(String data) {
            byte[] payload = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(Integer.toHexString(payload.length).getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(CRLF);
            bytes.writeBytes(payload);
            bytes.writeBytes(CRLF);
        }

        void raw(byte[] data) {
            bytes.writeBytes(data);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private static String usageJson(int completionTokens) {
        int prompt = 19;
        return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (prompt + completionTokens)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
    }

    /** A complete non-stream HTTP response, as OpenAI shapes a chat.completion. */
    private static byte[] completionResponse(String model) {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            content.append(WORDS[i % WORDS.length]);
        }
        String body = "{\"id\":\"chatcmpl-stub0001\",\"object\":\"chat.completion\",\"created\":"
                + System.currentTimeMillis() / 1000 + ",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\",\"refusal\":null,"
                + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}]," + usageJson(CHUNKS)
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + FINGERPRINT + "\"}";
        return httpResponse("200 OK", "application/json", body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static byte[] httpResponse(String status, String type, byte[] body, boolean close) {
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                + "\r\nx-request-id: req_stub\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        return response;
    }

    private static byte[] error(String message, String type) {
        return ("{\"error\":{\"message\":\"" + message.replace("\"", "\\\"") + "\",\"type\":\"" + type
                + "\",\"param\":null,\"code\":null}}").getBytes(StandardCharsets.UTF_8);
    }
}
