package dev.caravan.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchingAsyncAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();
    private final BatchingAsyncAppender appender = new BatchingAsyncAppender();
    private final Logger logger = context.getLogger("caravan.access");

    private void start(int queueSize, int flushMillis) {
        context.setMDCAdapter(MDC.getMDCAdapter());
        written.setContext(context);
        written.start();
        appender.setContext(context);
        appender.setName("test");
        appender.setQueueSize(queueSize);
        appender.setFlushMillis(flushMillis);
        appender.addAppender(written);
        appender.start();
        logger.setAdditive(false);
        logger.addAppender(appender);
    }

    @AfterEach
    void stop() {
        appender.stop();
        MDC.clear();
    }

    @Test
    void writesEveryEventInOrderOnItsOwnThreadWithTheMdcOfTheMomentItWasLogged() {
        start(1000, 5);
        for (int i = 0; i < 100; i++) {
            MDC.put("requestId", "req_" + i);
            logger.info("call {}", i);
        }
        MDC.clear();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> written.list.size() == 100);
        List<ILoggingEvent> events = List.copyOf(written.list);
        for (int i = 0; i < 100; i++) {
            assertThat(events.get(i).getFormattedMessage()).isEqualTo("call " + i);
            assertThat(events.get(i).getMDCPropertyMap()).containsEntry("requestId", "req_" + i);
            assertThat(events.get(i).getThreadName()).isEqualTo(Thread.currentThread().getName());
        }
    }

    @Test
    void dropsRatherThanBlocksWhenItsQueueIsFull() {
        start(10, 60_000); // the writer does not wake up during the test
        for (int i = 0; i < 25; i++) {
            logger.info("call {}", i);
        }
        assertThat(written.list).isEmpty();
        assertThat(appender.dropped()).isEqualTo(15);
        appender.stop();
        // what waited is written when it stops
        assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage).first().isEqualTo("call 0");
        assertThat(written.list).hasSize(10);
    }
}
