package dev.caravan.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Identity;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.api.ChatRequestValidator;
import dev.caravan.billing.CostEstimator;
import dev.caravan.billing.WalletService;
import dev.caravan.call.CallContext;
import dev.caravan.call.Operation;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import dev.caravan.routing.ModelResolver;
import org.springframework.stereotype.Component;

/**
 * {@code POST /v1/chat/estimate}: what a chat completions request would cost at most, without running it.
 * The body is checked exactly as {@code /v1/chat/completions} checks it, the model resolved the same way and
 * the key's scopes applied; the estimate is the worst case the gateway would reserve (prompt counted with
 * the tokenizer, the whole output allowance, the dearest provider the call could fail over to). No provider
 * is called and nothing is reserved.
 */
@Component
public class ChatEstimateApi {

    private final ModelResolver resolver;
    private final CostEstimator estimator;
    private final WalletService wallets;

    public ChatEstimateApi(ModelResolver resolver, CostEstimator estimator, WalletService wallets) {
        this.resolver = resolver;
        this.estimator = estimator;
        this.wallets = wallets;
    }

    public ApiReply estimate(ApiRequest request) {
        ObjectNode chat = request.body();
        ChatRequestValidator.validate(chat);
        // no client response: nothing is ever streamed from here
        Identity caller = request.caller();
        CallContext call = new CallContext(request.requestId(), null, Operation.CHAT, null, chat, caller);
        resolver.resolve(call);
        if (!caller.allows(call.requestedModel())) {
            throw new ApiException(new OpenAiError(403, "This API key may not use the model `" + call.requestedModel()
                    + "`.", OpenAiError.PERMISSION, "model", "model_not_allowed"));
        }
        CostEstimator.Estimate estimate = estimator.exactWorstCase(call);
        WalletService.Balance balance = wallets.balance(caller.userId());

        ObjectNode body = JsonOut.object("chat.estimate");
        body.put("model", call.requestedModel());
        JsonOut.putText(body, "profile", call.profile());
        JsonOut.putText(body, "provider", estimate.provider());
        JsonOut.putText(body, "upstream_model", estimate.model());
        body.put("prompt_tokens", estimate.promptTokens());
        body.put("max_output_tokens", estimate.maxOutputTokens());
        JsonOut.putMoney(body, "estimated_cost", estimate.cost());
        body.put("currency", JsonOut.CURRENCY);
        JsonOut.putMoney(body, "available", balance.available());
        body.put("sufficient_credits", balance.available().compareTo(estimate.cost()) >= 0);
        return ApiReply.ok(body);
    }
}
