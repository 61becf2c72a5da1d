package dev.caravan.quota;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.caravan.redis.RedisConnection;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * The two Lua scripts of the quotas ({@code quota/take.lua}, {@code quota/adjust.lua}), run with {@code EVALSHA}
 * on Caravan's one Redis connection: one round trip per call. A Redis that does not know a script yet (new, or
 * restarted, or flushed) answers {@code NOSCRIPT}; the script is then sent whole once with {@code EVAL}, which
 * also loads it for the calls after.
 */
final class QuotaScript {

    private final RedisConnection redis;
    private final byte[] source;
    private final String sha;

    private QuotaScript(RedisConnection redis, String resource) {
        this.redis = redis;
        try (InputStream in = QuotaScript.class.getResourceAsStream("/quota/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("quota script " + resource + " is missing from the classpath");
            }
            this.source = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.sha = sha1(source);
    }

    static QuotaScript take(RedisConnection redis) {
        return new QuotaScript(redis, "take.lua");
    }

    static QuotaScript adjust(RedisConnection redis) {
        return new QuotaScript(redis, "adjust.lua");
    }

    /**
     * Runs the script on {@code buckets} with two arguments each (their limit and an amount); null when Redis is
     * not connected. The reply completes on Lettuce's I/O thread.
     */
    CompletionStage<List<Object>> run(List<Bucket> buckets, java.util.function.ToLongFunction<Bucket> amount) {
        RedisAsyncCommands<byte[], byte[]> commands = redis.async();
        if (commands == null) {
            return null;
        }
        byte[][] keys = new byte[buckets.size()][];
        byte[][] args = new byte[buckets.size() * 2][];
        for (int i = 0; i < buckets.size(); i++) {
            Bucket bucket = buckets.get(i);
            keys[i] = bucket.key().getBytes(StandardCharsets.UTF_8);
            args[2 * i] = ascii(bucket.perMinute());
            args[2 * i + 1] = ascii(amount.applyAsLong(bucket));
        }
        CompletionStage<List<Object>> reply = commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        return reply.exceptionallyCompose(failure -> unwrap(failure) instanceof RedisNoScriptException
                ? eval(keys, args, reply)
                : reply);
    }

    /** The script sent whole, on the connection of the thread that got NOSCRIPT (asked anew: it flushes it). */
    private CompletionStage<List<Object>> eval(byte[][] keys, byte[][] args, CompletionStage<List<Object>> failed) {
        RedisAsyncCommands<byte[], byte[]> commands = redis.async();
        return commands == null ? failed : commands.eval(source, ScriptOutputType.MULTI, keys, args);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha1(byte[] bytes) {
        try {
            StringBuilder hex = new StringBuilder(40);
            for (byte b : java.security.MessageDigest.getInstance("SHA-1").digest(bytes)) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
