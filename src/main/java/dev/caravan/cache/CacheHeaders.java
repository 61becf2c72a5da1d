package dev.caravan.cache;

/** The cache's HTTP headers: what a client may send, and what every answer of a caching profile says. */
public final class CacheHeaders {

    /** Request: {@code on} caches this request whatever its sampling; {@code no-cache} neither reads nor stores. */
    public static final String REQUEST = "x-caravan-cache";

    /** Request: how long to keep this answer, in seconds, bounded by the step's {@code maxTtl}. */
    public static final String TTL = "x-caravan-cache-ttl";

    /** Response: {@code HIT}, {@code MISS} or {@code BYPASS}. */
    public static final String STATUS = "x-caravan-cache";

    public static final String HIT = "HIT";
    public static final String MISS = "MISS";
    public static final String BYPASS = "BYPASS";

    private CacheHeaders() {
    }
}
