package dev.caravan.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.WalletService;
import org.springframework.stereotype.Component;

/** {@code GET /v1/balance}: the caller's wallet, with what running calls hold and what is left to spend. */
@Component
public class BalanceApi {

    private final WalletService wallets;

    public BalanceApi(WalletService wallets) {
        this.wallets = wallets;
    }

    public ApiReply balance(ApiRequest request) {
        WalletService.Balance balance = wallets.balance(request.caller().userId());
        ObjectNode body = JsonOut.object("balance");
        body.put("user_id", balance.userId().toString());
        JsonOut.putMoney(body, "balance", balance.balance());
        JsonOut.putMoney(body, "reserved", balance.reserved());
        JsonOut.putMoney(body, "available", balance.available());
        body.put("currency", JsonOut.CURRENCY);
        return ApiReply.ok(body);
    }
}
