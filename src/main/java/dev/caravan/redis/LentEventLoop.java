package dev.caravan.redis;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;

/**
 * Lends Lettuce one of Vert.x's event loops: a client with this provider registers its connection on that loop
 * (an event loop is a group of one), and never shuts the loop down; Vert.x does when it closes.
 */
final class LentEventLoop implements EventLoopGroupProvider {

    private final EventLoop loop;

    LentEventLoop(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    @SuppressWarnings("unchecked") // Lettuce asks for its transport's group class and only uses it as a group
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) loop;
    }

    @Override
    public int threadPoolSize() {
        return 1;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return loop.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return loop.newSucceededFuture(true);
    }
}
