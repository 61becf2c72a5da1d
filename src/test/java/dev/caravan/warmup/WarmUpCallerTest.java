package dev.caravan.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.account.Authenticator;
import dev.caravan.billing.CreditLeases;
import dev.caravan.openai.ApiException;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The warm-up's credential: accepted by this process only, and only while the warm-up runs. */
class WarmUpCallerTest extends GatewayTestSupport {

    @Autowired
    Authenticator authenticator;
    @Autowired
    CreditLeases leases;

    @Test
    void itsKeyIsAcceptedWithoutADatabaseRowUntilItIsClosed() {
        WarmUpCaller caller = WarmUpCaller.open(authenticator, leases);
        Authenticator.Credentials credentials = new Authenticator.Credentials("Bearer " + caller.token(), null,
                "127.0.0.1", null, null);
        assertThat(authenticator.authenticateCached(credentials).orElseThrow().warmUp()).isTrue();
        caller.close();
        assertThat(authenticator.authenticateCached(credentials)).isEmpty();
        assertThatThrownBy(() -> authenticator.authenticate(credentials)).isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).error().status()).isEqualTo(401);
    }

    @Test
    void itsCallsHoldCreditOnALeaseOfThisProcessAlone() {
        try (WarmUpCaller caller = WarmUpCaller.open(authenticator, leases)) {
            var response = postJson("/v1/chat/completions",
                    "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", caller.token());
            assertThat(response.statusCode()).isEqualTo(200);
            // no wallet was asked: the warm-up's user has none, and a lease taken from PostgreSQL would have failed
            assertThat(jdbc.queryForObject("select count(*) from reservations where user_id = ?", Integer.class,
                    dev.caravan.account.Identity.WARM_UP_USER)).isZero();
        }
    }
}
