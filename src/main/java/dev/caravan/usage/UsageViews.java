package dev.caravan.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.JsonOut;

/**
 * The JSON of usage sums: requests, tokens, cost and the requests answered from the response cache
 * ({@code cache_hits}, included in {@code requests}), in the same field names everywhere.
 */
final class UsageViews {

    private UsageViews() {
    }

    static ObjectNode totals(ObjectNode node, UsageQueries.Totals totals) {
        node.put("requests", totals.requests());
        node.put("prompt_tokens", totals.promptTokens());
        node.put("completion_tokens", totals.completionTokens());
        node.put("total_tokens", totals.promptTokens() + totals.completionTokens());
        JsonOut.putMoney(node, "cost", totals.cost());
        node.put("cache_hits", totals.cacheHits());
        return node;
    }
}
