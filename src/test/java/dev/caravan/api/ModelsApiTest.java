package dev.caravan.api;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsApiTest extends GatewayTestSupport {

    @Test
    void listsReachableProfilesAndProviderModelsInOpenAiShape() {
        HttpResponse<String> response = get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        for (JsonNode model : body.get("data")) {
            assertThat(model.get("object").asText()).isEqualTo("model");
            assertThat(model.get("created").isIntegralNumber()).isTrue();
            assertThat(model.get("owned_by").asText()).isNotBlank();
            ids.add(model.get("id").asText());
        }
        assertThat(ids).contains("demo", "ab", "demo/caravan-demo-1", "stub-a/model-a", "stub-b/model-b");
        // providers without a key, and profiles with no configured provider, are not offered
        assertThat(ids).doesNotContain("stub-nokey/model-nokey", "groq/llama-3.3-70b-versatile", "fast", "local");
        for (JsonNode model : body.get("data")) {
            if (model.get("id").asText().equals("demo/caravan-demo-1")) {
                // prices from config/prices.yaml, USD per million tokens
                assertThat(model.at("/pricing/input").decimalValue()).isEqualByComparingTo("0.50");
                assertThat(model.at("/pricing/output").decimalValue()).isEqualByComparingTo("1.50");
                assertThat(model.at("/pricing/currency").asText()).isEqualTo("USD");
            }
        }
    }

    @Test
    void singleModelByIdIncludingIdsWithSlashes() {
        HttpResponse<String> profile = get("/v1/models/demo");
        assertThat(profile.statusCode()).isEqualTo(200);
        assertThat(json(profile.body()).get("owned_by").asText()).isEqualTo("caravan");

        HttpResponse<String> encoded = get("/v1/models/stub-a%2Fmodel-a");
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(json(encoded.body()).get("id").asText()).isEqualTo("stub-a/model-a");

        HttpResponse<String> plain = get("/v1/models/stub-a/model-a");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(json(plain.body()).get("owned_by").asText()).isEqualTo("stub-a");
    }

    @Test
    void unknownModelIdIs404() {
        HttpResponse<String> response = get("/v1/models/nope");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("code").asText()).isEqualTo("model_not_found");
    }
}
