package dev.caravan.embedded;

import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway writes into its lock file: its own pid (so a refused second gateway can name it), when it
 * began starting its server, and the server's pid once it runs. The next gateway on the directory reads it to
 * tell a server left behind by a crashed gateway (stop it) from one somebody else started (leave it alone).
 *
 * @param gatewayPid pid of the gateway holding (or last holding) the lock, null when unknown
 * @param startingAt epoch seconds when that gateway began starting its server, null when unknown
 * @param serverPid  pid of the server it started, null while it was still starting
 */
public record OwnerRecord(Long gatewayPid, Long startingAt, Long serverPid) {

    public static final OwnerRecord NONE = new OwnerRecord(null, null, null);

    /** Reads the {@code key=value} lines of a lock file; anything it does not understand is ignored. */
    public static OwnerRecord parse(String text) {
        Long gatewayPid = null;
        Long startingAt = null;
        Long serverPid = null;
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            Long value = parseLong(line.substring(eq + 1).trim());
            switch (line.substring(0, eq).trim()) {
                case "gateway-pid" -> gatewayPid = value;
                case "starting-at" -> startingAt = value;
                case "server-pid" -> serverPid = value;
                default -> {
                }
            }
        }
        return new OwnerRecord(gatewayPid, startingAt, serverPid);
    }

    public String format() {
        List<String> lines = new ArrayList<>();
        if (gatewayPid != null) {
            lines.add("gateway-pid=" + gatewayPid);
        }
        if (startingAt != null) {
            lines.add("starting-at=" + startingAt);
        }
        if (serverPid != null) {
            lines.add("server-pid=" + serverPid);
        }
        return String.join("\n", lines) + "\n";
    }

    public OwnerRecord withServerPid(long pid) {
        return new OwnerRecord(gatewayPid, startingAt, pid);
    }

    /**
     * Whether {@code leftover} is the server this record's gateway started: the pid it wrote down, or, when it
     * died before writing it down, a server that started after that gateway began starting one.
     */
    public boolean started(LeftoverServer leftover) {
        if (serverPid != null) {
            return serverPid == leftover.pid();
        }
        return startingAt != null && leftover.startedAt() >= startingAt;
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
