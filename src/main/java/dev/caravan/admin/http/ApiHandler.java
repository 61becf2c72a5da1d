package dev.caravan.admin.http;



/** One accounts endpoint: reads what it needs from the request and returns the reply, or throws an ApiException. */
@FunctionalInterface
public interface ApiHandler {

    ApiReply handle(ApiRequest request);
}
