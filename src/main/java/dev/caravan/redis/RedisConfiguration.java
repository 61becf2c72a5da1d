package dev.caravan.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Caravan's Redis: the server ({@code caravan.redis.url}, or an embedded one) and Caravan's Lettuce connections to
 * it, one on each Vert.x event loop and one for other threads ({@link RedisConnection}). Commands time out after {@code caravan.redis.timeout} and are rejected at once while disconnected, so a
 * Redis outage costs a request at most that timeout, never a hang.
 * <p>
 * Spring Data's {@link RedisConnectionFactory} points at the same server with the same options and Netty
 * threads, for what reads better through Spring Data or in a route ({@code spring-redis:} endpoints, a
 * {@code RedisTemplate}); without it Spring Boot would make one for localhost:6379. Its commands block the
 * calling thread (up to the timeout): never use it on an event loop.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConfiguration.class);

    /**
     * One set of Lettuce I/O threads for both clients (Spring Boot's own backs off). A lost connection is
     * reconnected with a backoff capped at one second, not Lettuce's default 30 s, so the gateway uses a Redis that
     * came back within a second or so; one connect attempt a second per replica is no load on anything.
     */
    @Bean(destroyMethod = "shutdown")
    public ClientResources redisClientResources() {
        return resources().build();
    }

    private static DefaultClientResources.Builder resources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                // Lettuce's own per-command latency histograms: exported nowhere, and a cost on every command
                .commandLatencyRecorder(CommandLatencyRecorder.disabled());
    }

    @Bean(destroyMethod = "shutdown")
    public RedisClient redisClient(ClientResources resources, RedisProperties properties,
            List<CommandListener> listeners) {
        RedisClient client = RedisClient.create(resources);
        listeners.forEach(client::addListener);
        client.setOptions(clientOptions(properties));
        return client;
    }

    @Bean(destroyMethod = "close")
    /** @param listeners {@link CommandListener} beans (tracing, tests): told of every command on every link */
    public RedisConnection redisConnection(RedisClient client, ClientResources resources, Vertx vertx,
            RedisServerAddress address, RedisProperties properties, List<CommandListener> listeners) {
        RedisURI uri = RedisURI.create(address.url());
        uri.setTimeout(properties.timeout());
        // a connect that failed is retried on use after a connect timeout at the earliest
        RedisLink shared = new RedisLink(client, uri, properties.connectTimeout(), false);
        List<RedisConnection.LoopLink> loops = new ArrayList<>();
        EventLoopGroup group = vertx.nettyEventLoopGroup();
        if (Transports.eventLoopGroupClass().isInstance(group)) {
            for (EventExecutor loop : group) {
                // the loop's own client: its resources lend it the loop and share the computation threads
                ClientResources own = resources().eventLoopGroupProvider(new LentEventLoop((EventLoop) loop))
                        .eventExecutorGroup(resources.eventExecutorGroup()).timer(resources.timer()).build();
                RedisClient loopClient = RedisClient.create(own);
                loopClient.setOptions(clientOptions(properties));
                listeners.forEach(loopClient::addListener);
                loops.add(new RedisConnection.LoopLink(loop, new RedisLink(loopClient, uri, properties.connectTimeout(),
                        true, loop), loopClient, own));
            }
        } else {
            LOG.info("Vert.x and Lettuce use different Netty transports here: event loops share one Redis connection");
        }
        RedisConnection connection = new RedisConnection(shared, loops);
        // the first connects are awaited at start (three tries at most), so the first calls find Redis; a failure
        // is not fatal: requests retry it
        connection.connectAtStart(3, properties.connectTimeout().toMillis() + 500);
        return connection;
    }

    /**
     * Spring Data's connection factory on the same server. It connects on first use, not at start, so an
     * unreachable Redis never stops the gateway from starting; its stop (a lifecycle phase after Camel's) and
     * destruction come before the embedded server's.
     */
    @Bean
    public LettuceConnectionFactory redisConnectionFactory(ClientResources resources, RedisServerAddress address,
            RedisProperties properties) {
        RedisURI uri = RedisURI.create(address.url());
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .clientResources(resources)
                .clientOptions(clientOptions(properties))
                .commandTimeout(properties.timeout());
        if (uri.isSsl()) {
            client.useSsl();
        }
        return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri), client.build());
    }

    private static ClientOptions clientOptions(RedisProperties properties) {
        return ClientOptions.builder()
                .autoReconnect(true)
                // a command sent while the connection is down fails at once instead of waiting in a queue
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(properties.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(properties.connectTimeout()).build())
                .build();
    }
}
