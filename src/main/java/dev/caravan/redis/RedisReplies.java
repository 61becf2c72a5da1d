package dev.caravan.redis;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import io.vertx.core.Context;

/** Where a Redis reply is handled: back on the request's Vert.x context, so the route goes on where it began. */
public final class RedisReplies {

    private RedisReplies() {
    }

    /**
     * Calls {@code then} with the reply or failure of {@code reply} on {@code context} (the request's event
     * loop), or on the thread that completed it when {@code context} is null (a request not on an event loop).
     */
    public static <T> void on(Context context, CompletionStage<T> reply, BiConsumer<T, Throwable> then) {
        reply.whenComplete((value, failure) -> {
            if (context == null) {
                then.accept(value, failure);
            } else {
                context.runOnContext(ignored -> then.accept(value, failure));
            }
        });
    }
}
