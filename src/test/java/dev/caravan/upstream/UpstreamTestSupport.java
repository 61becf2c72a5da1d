package dev.caravan.upstream;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One Vert.x, one stub provider and one Camel context with {@code upstream:} for the tests of a class. */
abstract class UpstreamTestSupport {

    protected static Vertx vertx;
    protected static StubServer stub;
    protected static UpstreamCamel camel;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stub = StubServer.start(vertx);
        camel = new UpstreamCamel(vertx);
    }

    @AfterAll
    static void stop() {
        camel.close();
        stub.close();
        StubServer.await(vertx.close());
    }
}
