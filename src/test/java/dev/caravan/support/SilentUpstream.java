package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that reads each request and never answers, and counts the connections the gateway closes on it:
 * what a provider that hangs before its status line looks like, and how the tests see that the gateway reset
 * the request it gave up on (a read on the socket ends: EOF or a reset).
 */
public final class SilentUpstream {

    private final ServerSocket server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByGateway = new AtomicInteger();

    public SilentUpstream() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "silent-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests whose head arrived. */
    public int requests() {
        return requests.get();
    }

    /** Connections the gateway closed or reset after sending its request. */
    public int closedByGateway() {
        return closedByGateway.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> hold(socket), "silent-upstream-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads the request head, then waits without answering until the other side goes away. */
    private void hold(Socket socket) {
        try (socket; InputStream in = socket.getInputStream()) {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            if (matched == 4) {
                requests.incrementAndGet();
            }
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // the request body, if any: never answered
            }
            closedByGateway.incrementAndGet();
        } catch (IOException reset) {
            closedByGateway.incrementAndGet();
        }
    }
}
