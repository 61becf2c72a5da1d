package dev.caravan.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.openai.Usage;
import dev.caravan.provider.StreamChunk;

/**
 * One cached answer as it is stored in Redis: a JSON completion, or the chunks of a stream, each kept as the exact
 * bytes the provider sent (so a replay is byte for byte), with who answered. Binary and length-prefixed, so nothing
 * is parsed to replay a stream: each chunk's usage and whether it has choices are stored beside its bytes.
 *
 * @param stream   whether {@code parts} are a stream's chunks (else one part: the completion's JSON)
 * @param provider the provider that answered
 * @param model    the upstream model that answered
 * @param parts    the completion, or the chunks in order (the usage chunk included)
 */
record CacheEntry(boolean stream, String provider, String model, List<StreamChunk> parts) {

    private static final int MAGIC = 0x43564331; // "CVC1"
    private static final int HAS_CHOICES = 1;
    private static final int HAS_USAGE = 2;

    static CacheEntry completion(String provider, String model, byte[] json) {
        return new CacheEntry(false, provider, model, List.of(new StreamChunk(json, null, true)));
    }

    /** The completion's JSON bytes (an entry that is not a stream). */
    byte[] json() {
        return parts.get(0).json();
    }

    /** The bytes a stored entry takes, before it is encoded (what {@code maxEntrySize} bounds). */
    static long size(List<StreamChunk> parts) {
        long size = 0;
        for (StreamChunk part : parts) {
            size += part.json().length + 29;
        }
        return size;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, size(parts) + 64));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeBoolean(stream);
            out.writeUTF(text(provider));
            out.writeUTF(text(model));
            out.writeInt(parts.size());
            for (StreamChunk part : parts) {
                Usage usage = part.usage();
                out.writeByte((part.hasChoices() ? HAS_CHOICES : 0) | (usage != null ? HAS_USAGE : 0));
                if (usage != null) {
                    out.writeLong(usage.promptTokens());
                    out.writeLong(usage.completionTokens());
                    out.writeLong(usage.cachedTokens());
                    out.writeBoolean(usage.estimated());
                }
                out.writeInt(part.json().length);
                out.write(part.json());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The entry in {@code bytes}; an {@link IOException} when they are not one (written by another version). */
    static CacheEntry decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a cache entry");
        }
        boolean stream = in.readBoolean();
        String provider = in.readUTF();
        String model = in.readUTF();
        int count = in.readInt();
        if (count < 1 || count > bytes.length) {
            throw new IOException("bad part count");
        }
        List<StreamChunk> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flags = in.readUnsignedByte();
            Usage usage = null;
            if ((flags & HAS_USAGE) != 0) {
                usage = new Usage(in.readLong(), in.readLong(), in.readLong(), in.readBoolean());
            }
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("bad part length");
            }
            parts.add(new StreamChunk(in.readNBytes(length), usage, (flags & HAS_CHOICES) != 0));
        }
        return new CacheEntry(stream, provider.isEmpty() ? null : provider, model.isEmpty() ? null : model, parts);
    }

    /** writeUTF's limit is 64 KB; names are far shorter. */
    private static String text(String value) {
        if (value == null) {
            return "";
        }
        return value.length() > 1024 ? value.substring(0, 1024) : value;
    }
}
