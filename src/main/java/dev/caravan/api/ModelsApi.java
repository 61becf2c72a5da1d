package dev.caravan.api;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
import dev.caravan.account.RequestCredentials;
import dev.caravan.billing.Price;
import dev.caravan.billing.PriceTable;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.routing.ModelResolver;
import dev.caravan.routing.ProfileInfo;
import dev.caravan.routing.ProviderInfo;
import dev.caravan.routing.RouteCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the profiles that have a configured provider, and
 * the models of the configured providers as {@code provider/model} ids, in OpenAI's list shape.
 */
@Component
public class ModelsApi {

    private static final String PREFIX = "/v1/models";

    private final RouteCatalog catalog;
    private final Authenticator authenticator;
    private final PriceTable prices;
    private final long created = System.currentTimeMillis() / 1000;

    public ModelsApi(RouteCatalog catalog, Authenticator authenticator, PriceTable prices) {
        this.catalog = catalog;
        this.authenticator = authenticator;
        this.prices = prices;
    }

    public void respond(Exchange exchange) {
        Message message = exchange.getMessage();
        String requestId = RequestIds.fromClientOrNew(message.getHeader(RequestIds.HEADER, String.class));
        exchange.setProperty(RequestIds.HEADER, requestId);
        Identity identity = authenticator.authenticate(RequestCredentials.from(message));
        String path = message.getHeader(Exchange.HTTP_URI, String.class);
        String id = path != null && path.length() > PREFIX.length() + 1
                ? decode(path.substring(PREFIX.length() + 1)) : null;
        ArrayNode list = list(identity);
        message.removeHeaders("*");
        message.setHeader(RequestIds.HEADER, requestId);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (id == null) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("object", "list");
            body.set("data", list);
            message.setBody(Json.bytes(body));
            return;
        }
        for (var model : list) {
            if (id.equals(model.get("id").asText())) {
                message.setBody(Json.bytes(model));
                return;
            }
        }
        OpenAiError notFound = ModelResolver.modelNotFound(id).error();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, notFound.status());
        message.setBody(notFound.toBytes());
    }

    /** What the caller may use now: reachable profiles and offered providers' models, within the key's scopes. */
    private ArrayNode list(Identity identity) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        for (ProfileInfo profile : catalog.profiles()) {
            if (catalog.isReachable(profile) && identity.allows(profile.name())) {
                ObjectNode model = model(profile.name(), "caravan");
                firstOfferedStep(profile).ifPresent(step -> model.set("pricing", pricing(step.provider(), step.model())));
                data.add(model);
            }
        }
        for (ProviderInfo provider : catalog.providers()) {
            if (provider.offered()) {
                for (String model : provider.models()) {
                    String id = provider.name() + "/" + model;
                    if (identity.allows(id)) {
                        data.add(model(id, provider.name()).set("pricing", pricing(provider.name(), model)));
                    }
                }
            }
        }
        return data;
    }

    /** The price a profile's calls are normally billed at: that of its first provider that is configured. */
    private java.util.Optional<ProfileInfo.Step> firstOfferedStep(ProfileInfo profile) {
        for (ProfileInfo.Step step : profile.steps()) {
            ProviderInfo provider = catalog.provider(step.provider());
            if (provider != null && provider.offered()) {
                return java.util.Optional.of(new ProfileInfo.Step(step.provider(),
                        step.model() != null ? step.model() : provider.model()));
            }
        }
        return java.util.Optional.empty();
    }

    /** Prices in USD per million tokens, from config/prices.yaml. */
    private ObjectNode pricing(String provider, String model) {
        Price price = prices.price(provider, model);
        ObjectNode pricing = JsonNodeFactory.instance.objectNode();
        pricing.put("currency", "USD");
        pricing.put("per", "1M tokens");
        pricing.put("input", price.input().stripTrailingZeros());
        pricing.put("output", price.output().stripTrailingZeros());
        pricing.put("cached_input", price.cachedInput().stripTrailingZeros());
        pricing.put("listed", prices.listed(provider, model));
        return pricing;
    }

    private ObjectNode model(String id, String ownedBy) {
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", ownedBy);
        return model;
    }

    /** A path segment as sent ({@code groq%2Fllama-3.3-70b}), percent-decoded; a {@code +} stays a plus. */
    private static String decode(String segment) {
        int query = segment.indexOf('?');
        String raw = query >= 0 ? segment.substring(0, query) : segment;
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
