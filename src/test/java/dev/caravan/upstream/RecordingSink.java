package dev.caravan.upstream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.caravan.openai.SseEvent;

/** An {@link EventSink} that records what it gets and on which thread. */
class RecordingSink implements EventSink {

    final List<SseEvent> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    volatile Throwable error;

    @Override
    public boolean onEvent(SseEvent event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
        return true;
    }

    @Override
    public void onEnd() {
        threads.add(Thread.currentThread().getName());
        ended = true;
    }

    @Override
    public void onError(Throwable failure) {
        threads.add(Thread.currentThread().getName());
        error = failure;
    }

    boolean ended() {
        return ended;
    }

    boolean failed() {
        return error != null;
    }

    List<String> data() {
        return events.stream().map(SseEvent::data).toList();
    }
}
