package dev.caravan.provider;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A stream whose chunks are known up front (an answer replayed as a stream, the demo provider's), delivered in
 * order with an optional pause before each one, like a model generating. The pauses are timers, never sleeps:
 * a {@code scheduler} runs the next step after the given milliseconds (Vert.x's {@code setTimer}).
 */
public final class ListChunkStream implements ChunkStream {

    /** One chunk and the pause before it. */
    public record Step(long delayMs, StreamChunk chunk) {
    }

    /** Runs {@code next} after {@code delayMs}; a Vert.x timer in production. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(long delayMs, Runnable next);
    }

    private final Deque<Step> steps;
    private final Scheduler scheduler;
    private ChunkSink sink;
    private boolean paused;
    private boolean waiting;
    private boolean cancelled;

    public ListChunkStream(List<Step> steps, Scheduler scheduler) {
        this.steps = new ArrayDeque<>(steps);
        this.scheduler = scheduler;
    }

    /** Chunks without pauses: delivered at once, on the thread that starts the stream. */
    public static ListChunkStream of(List<StreamChunk> chunks) {
        return new ListChunkStream(chunks.stream().map(chunk -> new Step(0, chunk)).toList(),
                (delay, next) -> next.run());
    }

    @Override
    public synchronized void start(ChunkSink sink) {
        this.sink = sink;
        next();
    }

    @Override
    public synchronized void pause() {
        paused = true;
    }

    @Override
    public synchronized void resume() {
        paused = false;
        if (sink != null && !waiting) {
            next();
        }
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        steps.clear();
    }

    private void next() {
        while (!paused && !cancelled && !waiting) {
            Step step = steps.peek();
            if (step == null) {
                cancelled = true;
                sink.onEnd();
                return;
            }
            if (step.delayMs() > 0) {
                waiting = true;
                scheduler.schedule(step.delayMs(), this::afterPause);
                return;
            }
            steps.poll();
            sink.onChunk(step.chunk());
        }
    }

    private synchronized void afterPause() {
        waiting = false;
        Step step = steps.poll();
        if (step != null && !cancelled) {
            sink.onChunk(step.chunk());
            next();
        }
    }
}
