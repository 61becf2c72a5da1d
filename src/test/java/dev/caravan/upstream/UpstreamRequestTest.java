package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class UpstreamRequestTest {

    @Test
    void printsNeitherBodyNorCredentialsNorQuery() {
        UpstreamRequest request = UpstreamRequest.post(
                URI.create("https://user:pw@generativelanguage.example/v1beta/models/m:generate?key=query-key&alt=sse"),
                Headers.of("Authorization", "Bearer sk-live-1", "x-api-key", "ant-key", "Cookie", "s=1",
                        "x-ratelimit-remaining-tokens", "99"),
                Buffer.buffer("{\"messages\":\"private words\"}"), true);

        assertThat(request.toString())
                .contains("POST https://generativelanguage.example/v1beta/models/m:generate", "stream", "28 bytes",
                        "x-ratelimit-remaining-tokens: 99")
                .doesNotContain("query-key", "pw", "sk-live-1", "ant-key", "s=1", "private words");
        assertThat(request.target()).isEqualTo("POST https://generativelanguage.example/v1beta/models/m:generate");
    }

    @Test
    void refusesWhatCannotBeSent() {
        assertThatThrownBy(() -> UpstreamRequest.post(URI.create("/relative"), null, null, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamRequest.post(URI.create("ftp://host/file"), null, null, false))
                .isInstanceOf(IllegalArgumentException.class);
        UpstreamRequest ok = UpstreamRequest.post(URI.create("http://host/x"), null, null, false);
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ok.body().length()).isZero();
        assertThat(ok.headers().isEmpty()).isTrue();
    }

    @Test
    void headersCompareNamesCaseInsensitivelyAndKeepRepeats() {
        Headers headers = Headers.of("Accept", "text/event-stream").with("accept", "application/json");

        assertThat(headers.first("ACCEPT")).isEqualTo("text/event-stream");
        assertThat(headers.all("accept")).containsExactly("text/event-stream", "application/json");
        assertThat(headers.first("missing")).isNull();
    }
}
