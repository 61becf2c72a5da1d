import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * The cold phase of bench/run.sh: N non-streaming chat completions one after another on one keep-alive
 * connection, as the first calls a process serves, and their latency percentiles. Prints one line:
 * {@code COLD calls=… failed=… p50_ms=… p90_ms=… p99_ms=… mean_ms=…}.
 *
 * <pre>java ColdCalls URL KEY MODEL CALLS</pre>
 */
public class ColdCalls {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String key = args[1];
        String model = args[2];
        int calls = Integer.parseInt(args[3]);
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a terse "
                + "assistant.\"},{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}],\"max_tokens\":64,"
                + "\"temperature\":0}";
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] nanos = new long[calls];
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                failed++;
            }
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("COLD calls=%d failed=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f mean_ms=%.3f%n", calls, failed,
                ms(sorted[calls / 2]), ms(sorted[calls * 9 / 10]), ms(sorted[calls * 99 / 100]),
                ms((long) Arrays.stream(nanos).average().orElse(0)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
