package dev.caravan.billing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PriceTableTest {

    private static final String PRICES = """
            default: { input: 10, output: 30, max_output: 4096 }
            models:
              groq/llama: { input: 0.05, output: 0.08, max_output: 8192 }
            """;

    @Test
    void readsPricesAndFallsBackToTheDefault(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("prices.yaml"), PRICES);
        PriceTable table = new PriceTable(file.toString());
        assertThat(table.price("groq", "llama").input()).isEqualByComparingTo("0.05");
        assertThat(table.price("groq", "llama").cachedInput()).isEqualByComparingTo("0.05");
        assertThat(table.price("groq", "llama").maxOutput()).isEqualTo(8192);
        assertThat(table.price("nobody", "unknown").output()).isEqualByComparingTo("30");
        assertThat(table.listed("nobody", "unknown")).isFalse();
    }

    @Test
    void anEditIsPickedUpWhileRunningAndABrokenEditKeepsTheLastGoodPrices(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("prices.yaml"), PRICES);
        PriceTable table = new PriceTable(file.toString());

        Files.writeString(file, PRICES.replace("0.05", "0.07"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        awaitInput(table, "0.07");

        Files.writeString(file, "models: [this is not a price table");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (table.error() == null && Instant.now().isBefore(deadline)) {
            table.price("groq", "llama");
            Thread.sleep(100);
        }
        assertThat(table.error()).isNotBlank();
        assertThat(table.price("groq", "llama").input()).isEqualByComparingTo("0.07");
    }

    private static void awaitInput(PriceTable table, String expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (table.price("groq", "llama").input().compareTo(new java.math.BigDecimal(expected)) != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("prices not reloaded");
            }
            Thread.sleep(100);
        }
    }
}
