package dev.caravan.call;

import dev.caravan.call.FailureKind;

/**
 * One try of one provider within a request.
 *
 * @param failure null when the provider answered (an answer or a business error), else why it failed
 * @param status  the provider's HTTP status, 0 when there was none
 */
public record Attempt(String provider, String model, FailureKind failure, int status) {

    public boolean failed() {
        return failure != null;
    }
}
