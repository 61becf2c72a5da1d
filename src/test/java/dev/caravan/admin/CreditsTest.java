package dev.caravan.admin;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Top-ups and adjustments change a wallet exactly, each as a wallet transaction with its reason. */
class CreditsTest extends AccountsTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    private HttpResponse<String> credit(String user, String body) {
        return admin("POST", "/admin/users/" + user + "/credits", body);
    }

    @Test
    void topUpAndAdjustmentsChangeTheBalanceExactly() {
        String user = createUser("Credits Exact");
        String key = newKey(user);

        HttpResponse<String> topup = credit(user, "{\"amount\":10.00,\"kind\":\"topup\",\"reason\":\"invoice 1001\"}");
        assertThat(topup.statusCode()).as(topup.body()).isEqualTo(200);
        assertThat(json(topup.body()).get("balance").decimalValue()).isEqualByComparingTo("10.00");

        credit(user, "{\"amount\":0.015,\"kind\":\"adjustment\",\"reason\":\"goodwill\"}");
        HttpResponse<String> last = credit(user, "{\"amount\":\"-2.005\",\"kind\":\"adjustment\",\"reason\":\"refund reversal\"}");
        assertThat(last.statusCode()).isEqualTo(200);
        JsonNode wallet = json(last.body());
        assertThat(wallet.get("balance").decimalValue()).isEqualByComparingTo("8.01");
        assertThat(wallet.get("available").decimalValue()).isEqualByComparingTo("8.01");
        // written from the BigDecimal in plain notation, no binary fraction on the way
        assertThat(wallet.get("balance").toString()).isEqualTo("8.01");
        assertThat(wallet.at("/transaction/amount").toString()).isEqualTo("-2.005");

        BigDecimal stored = jdbc.queryForObject("select balance from wallets where user_id = ?::uuid", BigDecimal.class, user);
        assertThat(stored).isEqualByComparingTo(new BigDecimal("8.01"));

        List<Map<String, Object>> rows = jdbc.queryForList("select amount, kind, reason, actor from wallet_transactions "
                + "where user_id = ?::uuid order by id", user);
        assertThat(rows).hasSize(3);
        assertThat((BigDecimal) rows.get(0).get("amount")).isEqualByComparingTo("10.00");
        assertThat(rows.get(0).get("kind")).isEqualTo("topup");
        assertThat(rows.get(0).get("reason")).isEqualTo("invoice 1001");
        assertThat((BigDecimal) rows.get(1).get("amount")).isEqualByComparingTo("0.015");
        assertThat(rows.get(1).get("reason")).isEqualTo("goodwill");
        assertThat((BigDecimal) rows.get(2).get("amount")).isEqualByComparingTo("-2.005");
        assertThat(rows.get(2).get("kind")).isEqualTo("adjustment");
        assertThat(rows.get(2).get("reason")).isEqualTo("refund reversal");
        assertThat(rows).allSatisfy(row -> assertThat((String) row.get("actor")).isEqualTo(ADMIN_KEY.substring(0, 13)));

        // the user sees the same balance with its own key
        HttpResponse<String> balance = call("GET", "/v1/balance", key, null);
        assertThat(json(balance.body()).get("balance").decimalValue()).isEqualByComparingTo("8.01");

        // and the admin sees the transactions, newest first
        JsonNode transactions = json(admin("GET", "/admin/users/" + user + "/transactions", null).body());
        assertThat(transactions.get("object").asText()).isEqualTo("list");
        assertThat(transactions.get("data")).hasSize(3);
        assertThat(transactions.at("/data/0/reason").asText()).isEqualTo("refund reversal");
        assertThat(transactions.at("/data/2/amount").decimalValue()).isEqualByComparingTo("10");
        assertThat(transactions.get("has_more").asBoolean()).isFalse();
        JsonNode firstPage = json(admin("GET", "/admin/users/" + user + "/transactions?limit=2", null).body());
        assertThat(firstPage.get("data")).hasSize(2);
        assertThat(firstPage.get("has_more").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"amount\":0,\"kind\":\"topup\",\"reason\":\"r\"}                | amount",
        "{\"amount\":-5,\"kind\":\"topup\",\"reason\":\"r\"}               | amount",
        "{\"amount\":0,\"kind\":\"adjustment\",\"reason\":\"r\"}           | amount",
        "{\"amount\":\"0.00\",\"kind\":\"adjustment\",\"reason\":\"r\"}    | amount",
        "{\"amount\":\"ten\",\"kind\":\"topup\",\"reason\":\"r\"}          | amount",
        "{\"amount\":true,\"kind\":\"topup\",\"reason\":\"r\"}             | amount",
        "{\"amount\":1.123456789,\"kind\":\"topup\",\"reason\":\"r\"}      | amount",
        "{\"amount\":1e13,\"kind\":\"topup\",\"reason\":\"r\"}             | amount",
        "{\"kind\":\"topup\",\"reason\":\"r\"}                             | amount",
        "{\"amount\":5,\"kind\":\"gift\",\"reason\":\"r\"}                 | kind",
        "{\"amount\":5,\"reason\":\"r\"}                                   | kind",
        "{\"amount\":5,\"kind\":\"topup\"}                                 | reason",
        "{\"amount\":5,\"kind\":\"topup\",\"reason\":\"  \"}               | reason",
        "{\"amount\":5,\"kind\":\"topup\",\"reason\":\"r\",\"note\":1}     | note",
    })
    void invalidCreditsAre400AndChangeNothing(String body, String param) {
        String user = createUser("Credits Invalid");
        HttpResponse<String> response = credit(user, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo(param);
        assertThat(jdbc.queryForObject("select count(*) from wallet_transactions where user_id = ?::uuid", Long.class, user))
                .isZero();
        assertThat(jdbc.queryForObject("select balance from wallets where user_id = ?::uuid", BigDecimal.class, user))
                .isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void malformedBodyIs400() {
        String user = createUser("Credits Malformed");
        assertThat(credit(user, "{\"amount\":").statusCode()).isEqualTo(400);
        assertThat(credit(user, "[1]").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/users/" + user + "/credits", null).statusCode()).isEqualTo(400);
    }

    @Test
    void creditsForAnUnknownUserAre404() {
        HttpResponse<String> response = credit("7d0c6f5e-0000-4000-8000-000000000000",
                "{\"amount\":5,\"kind\":\"topup\",\"reason\":\"r\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(code(response)).isEqualTo("user_not_found");
    }
}
