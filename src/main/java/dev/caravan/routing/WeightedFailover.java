package dev.caravan.routing;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.AsyncProcessor;

/**
 * Splits a profile's calls between its providers by weight ({@code provider:openai?weight=70}, then
 * {@code provider:groq?weight=30}: 70 % start with the first), and fails over to the others, also in an order
 * drawn by weight, when the chosen one fails. A step without a weight weighs 1; a weight of 0 is never first but
 * still a fallback. Profile YAML: {@code customLoadBalancer: {ref: weighted}}.
 */
public class WeightedFailover extends OrderedFailover {

    /** Each step's weight, read from its endpoint URI once the route has given this load balancer its steps. */
    private volatile double[] weights = new double[0];

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AsyncProcessor[] steps = doGetProcessors();
        double[] read = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            read[i] = weight(steps[i]);
        }
        weights = read;
    }

    @Override
    protected int[] order(int steps) {
        double[] left = weights.clone();
        int[] order = new int[steps];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int position = 0; position < steps; position++) {
            double total = 0;
            for (double weight : left) {
                total += Math.max(0, weight);
            }
            int chosen = -1;
            if (total > 0) {
                double point = random.nextDouble(total);
                for (int i = 0; i < steps && chosen < 0; i++) {
                    if (left[i] > 0) {
                        point -= left[i];
                        if (point < 0) {
                            chosen = i;
                        }
                    }
                }
            }
            if (chosen < 0) {
                // only weight-0 steps (or rounding) left: in their order in the route
                for (int i = 0; i < steps && chosen < 0; i++) {
                    if (left[i] >= 0) {
                        chosen = i;
                    }
                }
            }
            order[position] = chosen;
            left[chosen] = -1;
        }
        return order;
    }
}
