package dev.caravan.routing;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends each call first to the provider that answered fastest lately: an exponentially weighted moving average
 * (EWMA) of each step's time to answer, which for a stream is its time to first token (a provider step ends when
 * its first event arrived) and for a JSON answer the whole answer. A step never measured goes first, so every
 * provider gets measured; a share of the calls ({@code explore}, 5 % by default) starts with another step picked
 * at random, so a provider that got faster is noticed. A failed attempt counts as a {@code failurePenalty}
 * (10 s) sample, so a provider that fails fast never looks fast; the others are the failover order, fastest
 * first. Profile YAML: {@code customLoadBalancer: {ref: leastLatency}}.
 */
public class LeastLatencyFailover extends OrderedFailover {

    private static final long UNKNOWN = Double.doubleToRawLongBits(Double.NaN);

    private final double alpha;
    private final double explore;
    private final double failurePenaltyNanos;
    /** Each step's average in nanoseconds as double bits, NaN until measured; sized when the route starts. */
    private volatile AtomicLongArray averages = new AtomicLongArray(0);

    /**
     * @param alpha          weight of the newest sample in the average (0..1]
     * @param explore        share of calls that start with a random other step [0..1)
     * @param failurePenalty milliseconds a failed attempt counts as
     */
    public LeastLatencyFailover(double alpha, double explore, long failurePenalty) {
        this.alpha = alpha;
        this.explore = explore;
        this.failurePenaltyNanos = failurePenalty * 1_000_000d;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AtomicLongArray unknown = new AtomicLongArray(doGetProcessors().length);
        for (int i = 0; i < unknown.length(); i++) {
            unknown.set(i, UNKNOWN);
        }
        averages = unknown;
    }

    @Override
    protected int[] order(int steps) {
        AtomicLongArray known = averages;
        Integer[] order = new Integer[steps];
        double[] average = new double[steps];
        for (int i = 0; i < steps; i++) {
            order[i] = i;
            average[i] = Double.longBitsToDouble(known.get(i));
        }
        // never measured first (NaN sorts as -1), then fastest first; ties keep the route's order
        Arrays.sort(order, (a, b) -> Double.compare(Double.isNaN(average[a]) ? -1 : average[a],
                Double.isNaN(average[b]) ? -1 : average[b]));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (steps > 1 && random.nextDouble() < explore) {
            int other = 1 + random.nextInt(steps - 1);
            Integer first = order[0];
            order[0] = order[other];
            order[other] = first;
        }
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    @Override
    protected void attempted(int step, long nanos, boolean failed) {
        AtomicLongArray known = averages;
        if (step >= known.length()) {
            return;
        }
        double sample = failed ? Math.max(nanos, failurePenaltyNanos) : nanos;
        long before;
        long after;
        do {
            before = known.get(step);
            double average = Double.longBitsToDouble(before);
            after = Double.doubleToRawLongBits(Double.isNaN(average) ? sample : average + alpha * (sample - average));
        } while (!known.compareAndSet(step, before, after));
    }
}
