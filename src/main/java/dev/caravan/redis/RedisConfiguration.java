package dev.caravan.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Caravan's Redis: the server ({@code caravan.redis.url}, or an embedded one) and the one Lettuce connection to
 * it. Commands time out after {@code caravan.redis.timeout} and are rejected at once while disconnected, so a
 * Redis outage costs a request at most that timeout, never a hang.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    public RedisClient redisClient(RedisProperties properties) {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // a command sent while the connection is down fails at once instead of waiting in a queue
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(properties.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(properties.connectTimeout()).build())
                .build());
        return client;
    }

    @Bean(destroyMethod = "close")
    public RedisConnection redisConnection(RedisClient client, RedisServerAddress address, RedisProperties properties) {
        RedisURI uri = RedisURI.create(address.url());
        uri.setTimeout(properties.timeout());
        RedisConnection connection = new RedisConnection(client, uri);
        // the first connect is awaited at start (briefly), so the first calls find Redis; a failure is not fatal
        try {
            connection.connect().get(properties.connectTimeout().toMillis() + 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // logged by connect(); requests retry it
        }
        return connection;
    }
}
