package dev.caravan.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;

/**
 * The Redis key of a cached answer: {@code caravan:cache:<cache name>:<scope>:<sha-256>}, the hash taken over the
 * target the request resolved to (the profile) and its body in canonical JSON (object keys sorted at every level,
 * numbers in one form: {@code 0}, {@code 0.0} and {@code 0e0} are the same temperature). Every field of the body
 * counts (model, messages, tools, tool_choice, response_format, every sampling parameter, vendor fields) except
 * those that do not change the answer: {@code stream} and {@code stream_options} (a stream and a JSON answer are
 * converted into each other) and {@code user}. The scope is the caller's user id, or {@code shared} when the
 * profile shares its cache between users, so one user's entries are never read by another.
 */
final class CacheKey {

    /** Fields of a request that do not make a different answer. */
    static final Set<String> NOT_IN_KEY = Set.of("stream", "stream_options", "user");

    private static final byte[] VERSION = "caravan-cache-v1\n".getBytes(StandardCharsets.UTF_8);

    private CacheKey() {
    }

    /**
     * @param cache  the cache's name ({@code cache:<name>}): a new name starts an empty cache
     * @param scope  the user id, or {@code shared}
     * @param target what the request resolved to ({@code profile:fast}, or the raw {@code provider/model} id)
     */
    static String of(String cache, String scope, String target, ObjectNode body) {
        MessageDigest sha256 = sha256();
        sha256.update(VERSION);
        sha256.update(target.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(new DigestSink(sha256))) {
            List<String> names = new ArrayList<>();
            body.fieldNames().forEachRemaining(name -> {
                if (!NOT_IN_KEY.contains(name)) {
                    names.add(name);
                }
            });
            writeObject(json, body, names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "caravan:cache:" + cache + ":" + scope + ":" + HexFormat.of().formatHex(sha256.digest());
    }

    private static void write(JsonGenerator json, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            writeObject(json, node, names);
        } else if (node.isArray()) {
            json.writeStartArray();
            for (JsonNode element : node) {
                write(json, element);
            }
            json.writeEndArray();
        } else if (node.isNumber()) {
            json.writeNumber(node.decimalValue().stripTrailingZeros().toPlainString());
        } else {
            json.writeTree(node);
        }
    }

    private static void writeObject(JsonGenerator json, JsonNode node, List<String> names) throws IOException {
        names.sort(null);
        json.writeStartObject();
        for (String name : names) {
            json.writeFieldName(name);
            write(json, node.get(name));
        }
        json.writeEndObject();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical JSON goes straight into the digest: a large prompt is never copied whole. */
    private static final class DigestSink extends OutputStream {

        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
