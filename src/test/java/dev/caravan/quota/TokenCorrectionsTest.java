package dev.caravan.quota;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token corrections are summed per bucket and sent once per user and interval: nothing lost or counted twice
 * under concurrent calls, each user's buckets in a script of their own (one Redis Cluster slot), the rest sent on
 * close.
 */
class TokenCorrectionsTest {

    private static final String ALICE_KEY = "caravan:quota:{alice}:default:key:k1:tpm";
    private static final String ALICE_USER = "caravan:quota:{alice}:default:user:tpm";
    private static final String BOB_USER = "caravan:quota:{bob}:default:user:tpm";

    private final List<List<Bucket>> sent = new CopyOnWriteArrayList<>();

    private TokenCorrections corrections() {
        // an interval no test reaches: flushes happen when the test asks
        return new TokenCorrections(Duration.ofHours(1), buckets -> {
            sent.add(buckets);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Test
    void sumsEachBucketAndSendsOneScriptPerUser() {
        try (TokenCorrections corrections = corrections()) {
            List<Bucket> alice = List.of(bucket(ALICE_KEY, 1000), bucket(ALICE_USER, 5000));
            corrections.add(alice, -30);
            corrections.add(alice, -12);
            corrections.add(List.of(bucket(BOB_USER, 7000)), 25);
            corrections.add(List.of(bucket(BOB_USER, 7000)), 0);

            corrections.flush().join();

            assertThat(sent).hasSize(2);
            Map<String, Long> byKey = new ConcurrentHashMap<>();
            for (List<Bucket> script : sent) {
                assertThat(script).extracting(b -> b.key().substring(0, b.key().indexOf('}') + 1)).containsOnly(
                        script.get(0).key().substring(0, script.get(0).key().indexOf('}') + 1));
                script.forEach(b -> byKey.put(b.key() + "@" + b.perMinute(), b.cost()));
            }
            assertThat(byKey).containsOnly(Map.entry(ALICE_KEY + "@1000", -42L), Map.entry(ALICE_USER + "@5000", -42L),
                    Map.entry(BOB_USER + "@7000", 25L));
            assertThat(corrections.pending()).isZero();

            sent.clear();
            corrections.flush().join();
            assertThat(sent).isEmpty();
        }
    }

    @Test
    void concurrentCorrectionsAreNeitherLostNorCountedTwice() throws Exception {
        TokenCorrections corrections = corrections();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Bucket> buckets = List.of(bucket(ALICE_USER, 5000));
        CompletableFuture<?>[] calls = IntStream.range(0, 4).mapToObj(t -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10_000; i++) {
                corrections.add(buckets, -1);
                if (i % 1000 == 0) {
                    corrections.flush();
                }
            }
        }, threads)).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(calls).get(30, TimeUnit.SECONDS);
        threads.shutdown();
        corrections.close();

        long total = sent.stream().flatMap(List::stream).mapToLong(Bucket::cost).sum();
        assertThat(total).isEqualTo(-40_000);
    }

    @Test
    void closeSendsWhatIsPending() {
        TokenCorrections corrections = corrections();
        corrections.add(List.of(bucket(ALICE_USER, 5000)), 99);
        corrections.close();
        assertThat(sent).singleElement().satisfies(script -> assertThat(script).singleElement()
                .extracting(Bucket::cost).isEqualTo(99L));
    }

    private static Bucket bucket(String key, long perMinute) {
        return new Bucket(Limit.USER_TPM, key, perMinute, 0);
    }
}
