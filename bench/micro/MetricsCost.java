// What recording one call's gateway meters costs (metrics/CallMetrics.record), on one thread, against the
// Prometheus registry the gateway scrapes. Not part of the build; run from the repository (bench/README.md):
//   ./mvnw -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/cp.txt
//   javac -cp target/classes:$(cat target/cp.txt) -d target/micro bench/micro/MetricsCost.java
//   java -XX:+UseSerialGC -cp target/micro:target/classes:$(cat target/cp.txt) MetricsCost
import java.math.BigDecimal;
import dev.caravan.call.*;
import dev.caravan.metrics.CallMetrics;
import dev.caravan.openai.Usage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

public class MetricsCost {
    public static void main(String[] a) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CallMetrics metrics = new CallMetrics(registry);
        ObjectNode body = (ObjectNode) new ObjectMapper().readTree("{\"model\":\"fast\"}");
        CallContext call = new CallContext("r", null, Operation.CHAT, null, body, null);
        call.profile("fast");
        call.recordAttempt(new Attempt("groq", "llama", null, 200));
        CallOutcome outcome = new CallOutcome(200, "completed", new Usage(12, 5, 0, false), new BigDecimal("0.000123"), null);
        // a call answered by one provider, with usage and a cost: every meter of CallMetrics is touched
        for (int round = 0; round < 5; round++) {
            int n = 5_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) metrics.record(call, outcome);
            long t1 = System.nanoTime();
            System.out.printf("round %d: %.1f ns per record%n", round, (t1 - t0) / (double) n);
        }
    }
}
