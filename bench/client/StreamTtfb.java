import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Streaming benchmark client: opens N streaming chat completions at once and measures, per stream, the time to
 * the first {@code data:} event (TTFB) and to the end of the stream.
 *
 * <p>Usage: {@code java [-Dcpu.pids=PID,PID] bench/client/StreamTtfb.java <url> <api-key> <model> [streams=256]
 * [rounds=3] [warmup=2]}
 *
 * <p>Each round connects all N sockets first, then releases every stream through one start gate, so the burst of N
 * requests really arrives together and connection setup is not part of the measurement. The clock for a stream
 * starts right before its request is written. Raw sockets on virtual threads, rather than the JDK HttpClient,
 * keep the client thin: HttpClient funnels every connection through one selector thread, which would add its own
 * queueing to TTFB. Responses are checked (status 200, at least one content event, {@code data: [DONE]}); a
 * stream that fails any check is counted as failed and its first error is printed to stderr.
 *
 * <p>Prints one line: {@code STREAM streams=.. rounds=.. ok=.. failed=.. ttfb_p50_ms=.. ttfb_p99_ms=..
 * total_p50_ms=.. total_p99_ms=.. events_min=.. events_max=.. cpu_ticks=..} (percentiles over all streams of the
 * measured rounds; cpu_ticks: CPU ticks used by each process of {@code -Dcpu.pids} during them, or -).
 */
public final class StreamTtfb {

    /** @param spreadNanos time from the first data event to the last: a stream delivered in one bunch has ~0 */
    private record Result(boolean ok, long ttfbNanos, long totalNanos, int events, long spreadNanos, String error) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: StreamTtfb <url> <api-key> <model> [streams=256] [rounds=3] [warmup=2]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        String key = args[1];
        String model = args[2];
        int streams = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        long[] pids = Arrays.stream(System.getProperty("cpu.pids", "").split(","))
                .filter(p -> !p.isBlank()).mapToLong(Long::parseLong).toArray();

        // include_usage is asked for on both paths: Caravan adds it upstream anyway, so the stub then sends the
        // same events whether it is called directly or through the gateway
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a terse assistant.\"},"
                + "{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}],\"max_tokens\":64,\"temperature\":0}";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String path = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port + "\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                + "Accept: text/event-stream\r\nContent-Length: " + bodyBytes.length + "\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + bodyBytes.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(bodyBytes, 0, request, head.length, bodyBytes.length);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);

        // warm-up rounds run in this JVM too: a cold client (interpreted line parsing) would add its own delay
        for (int round = 0; round < warmup; round++) {
            report("warm-up", round(address, request, streams));
        }
        long[] cpuBefore = cpuTicks(pids);
        List<Result> all = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Result> results = round(address, request, streams);
            report("round", results);
            all.addAll(results);
        }
        long[] cpuAfter = settledCpuTicks(pids);

        List<Result> ok = all.stream().filter(Result::ok).toList();
        long failed = all.size() - ok.size();
        all.stream().filter(r -> !r.ok()).map(Result::error).distinct().limit(5)
                .forEach(error -> System.err.println("stream failed: " + error));
        long[] ttfb = ok.stream().mapToLong(Result::ttfbNanos).sorted().toArray();
        long[] total = ok.stream().mapToLong(Result::totalNanos).sorted().toArray();
        int eventsMin = ok.stream().mapToInt(Result::events).min().orElse(0);
        int eventsMax = ok.stream().mapToInt(Result::events).max().orElse(0);
        // event by event: the events arrived spread over at least half the time the upstream took to send them
        // (-Dstub.spread.ms); a stream relayed in bunches arrives all at once
        long spreadNanos = Long.getLong("stub.spread.ms", 0) * 1_000_000 / 2;
        long incremental = ok.stream().filter(r -> r.spreadNanos() >= spreadNanos).count();
        System.out.printf(Locale.ROOT, "STREAM streams=%d rounds=%d ok=%d failed=%d ttfb_p50_ms=%.3f ttfb_p99_ms=%.3f "
                        + "total_p50_ms=%.3f total_p99_ms=%.3f events_min=%d events_max=%d incremental_pct=%.1f cpu_ticks=%s%n",
                streams, rounds, ok.size(), failed, millis(ttfb, 0.50), millis(ttfb, 0.99), millis(total, 0.50),
                millis(total, 0.99), eventsMin, eventsMax, ok.isEmpty() ? 0.0 : 100.0 * incremental / ok.size(),
                cpuDelta(cpuBefore, cpuAfter));
    }

    /** One line per round on stderr, so a run that drifts (or a cold first round) can be seen. */
    private static void report(String what, List<Result> results) {
        long[] ttfb = results.stream().filter(Result::ok).mapToLong(Result::ttfbNanos).sorted().toArray();
        System.err.printf(Locale.ROOT, "  %s: %d/%d ok, ttfb p50 %.2f ms p99 %.2f ms%n", what, ttfb.length,
                results.size(), millis(ttfb, 0.50), millis(ttfb, 0.99));
    }

    /**
     * CPU time (utime + stime, in clock ticks) of the given processes, from /proc/PID/stat: the gateway's CPU
     * per stream is taken over the measured rounds only, which run in this JVM after the warm-up.
     */
    private static long[] cpuTicks(long[] pids) throws IOException {
        long[] ticks = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pids[i] + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks[i] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        }
        return ticks;
    }

    /** As cpuTicks, once the processes have gone quiet (at most 1 tick per 250 ms, or 5 s), like run.sh. */
    private static long[] settledCpuTicks(long[] pids) throws IOException, InterruptedException {
        long[] last = cpuTicks(pids);
        for (int i = 0; i < 20 && pids.length > 0; i++) {
            Thread.sleep(250);
            long[] now = cpuTicks(pids);
            boolean quiet = true;
            for (int p = 0; p < pids.length; p++) {
                quiet &= now[p] - last[p] <= 1;
            }
            last = now;
            if (quiet) {
                break;
            }
        }
        return last;
    }

    private static String cpuDelta(long[] before, long[] after) {
        if (before.length == 0) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < before.length; i++) {
            text.append(i == 0 ? "" : ",").append(after[i] - before[i]);
        }
        return text.toString();
    }

    /** One burst: connect N sockets, release them together, wait for every stream to end. */
    private static List<Result> round(InetSocketAddress address, byte[] request, int streams) throws Exception {
        CountDownLatch connected = new CountDownLatch(streams);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Result>> futures = new ArrayList<>(streams);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                futures.add(threads.submit(() -> stream(address, request, connected, start)));
            }
            connected.await();
            start.countDown();
            List<Result> results = new ArrayList<>(streams);
            for (Future<Result> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private static Result stream(InetSocketAddress address, byte[] request, CountDownLatch connected,
            CountDownLatch start) {
        Socket socket = new Socket();
        try (socket) {
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(60_000);
                socket.connect(address, 10_000);
            } finally {
                connected.countDown();
            }
            start.await();
            long t0 = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            Reader in = new Reader(socket.getInputStream());
            String status = in.line();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                return failure("status line: " + status + " " + in.rest());
            }
            long contentLength = -1;
            boolean chunked = false;
            String header;
            while ((header = in.line()) != null && !header.isEmpty()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    contentLength = Long.parseLong(lower.substring(15).trim());
                }
            }
            in.body(chunked, contentLength);
            long ttfb = -1;
            long lastEvent = -1;
            int events = 0;
            boolean done = false;
            String line;
            while ((line = in.line()) != null) {
                if (line.startsWith("data:")) {
                    long now = System.nanoTime() - t0;
                    if (ttfb < 0) {
                        ttfb = now;
                    }
                    lastEvent = now;
                    if (line.substring(5).strip().equals("[DONE]")) {
                        done = true;
                    } else {
                        events++;
                        if (line.contains("\"error\"") && !line.contains("\"choices\"")) {
                            return failure("error event: " + line);
                        }
                    }
                }
            }
            long totalNanos = System.nanoTime() - t0;
            if (ttfb < 0 || events == 0) {
                return failure("no data events");
            }
            if (!done) {
                return failure("stream ended without data: [DONE] after " + events + " events");
            }
            return new Result(true, ttfb, totalNanos, events, lastEvent - ttfb, null);
        } catch (Exception e) {
            return failure(e.toString());
        }
    }

    private static Result failure(String error) {
        return new Result(false, 0, 0, 0, 0, error);
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length) - 1; // nearest-rank percentile
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    /**
     * Reads an HTTP/1.1 response as lines: the head as it comes, then the body with chunked framing (or
     * Content-Length) removed, so SSE lines are seen as soon as their bytes arrive and never confused with
     * chunk-size lines.
     */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private boolean inBody;
        private boolean chunked;
        private long remaining = -1; // bytes left in the current chunk (or the whole body), -1 = until EOF
        private boolean finished;

        Reader(InputStream in) {
            this.in = in;
        }

        void body(boolean chunked, long contentLength) {
            this.inBody = true;
            this.chunked = chunked;
            this.remaining = chunked ? 0 : contentLength;
        }

        /** The next line without its line end; null at the end of the head's stream or of the body. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            int b;
            boolean any = false;
            while ((b = read()) >= 0) {
                any = true;
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return any ? line.toString(StandardCharsets.UTF_8) : null;
        }

        /** Up to 300 more characters of whatever follows, for error messages. */
        String rest() {
            try {
                StringBuilder text = new StringBuilder();
                int b;
                while (text.length() < 300 && (b = rawRead()) >= 0) {
                    text.append((char) b);
                }
                return text.toString().replace("\r\n", " | ");
            } catch (IOException e) {
                return "";
            }
        }

        private int read() throws IOException {
            if (!inBody) {
                return rawRead();
            }
            if (finished) {
                return -1;
            }
            if (chunked && remaining == 0) {
                String size = rawLine();
                if (size != null && size.isEmpty()) {
                    size = rawLine(); // the CRLF that ends the previous chunk's data
                }
                if (size == null) {
                    finished = true;
                    return -1;
                }
                int semicolon = size.indexOf(';');
                remaining = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (remaining == 0) {
                    finished = true;
                    return -1;
                }
            }
            if (remaining == 0) {
                finished = true;
                return -1;
            }
            int b = rawRead();
            if (b < 0) {
                finished = true;
                return -1;
            }
            if (remaining > 0) {
                remaining--;
            }
            return b;
        }

        private String rawLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = rawRead()) >= 0) {
                if (b == '\n') {
                    int last = line.length() - 1;
                    if (last >= 0 && line.charAt(last) == '\r') {
                        line.setLength(last);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
            return line.isEmpty() ? null : line.toString();
        }

        private int rawRead() throws IOException {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            return buffer[position++] & 0xff;
        }
    }
}
