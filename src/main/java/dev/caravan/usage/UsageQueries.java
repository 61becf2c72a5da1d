package dev.caravan.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.caravan.call.CallOutcome;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Sums over one user's usage ledger. Periods are given as instants computed in Java from the budget
 * calendar ({@link dev.caravan.billing.BudgetPeriods}), so that "a day" here is the same day the budgets
 * count, whatever the database session's time zone.
 */
@Repository
public class UsageQueries {

    /** The usage of one period; {@code cacheHits} of the requests were answered from the response cache. */
    public record Totals(long requests, long promptTokens, long completionTokens, BigDecimal cost, long cacheHits) {
    }

    /** The usage of one provider/model (either may be null for calls that no provider answered). */
    public record ModelTotals(String provider, String model, Totals totals) {
    }

    /** Cost sums since each of the given instants, and over all time. */
    public record CostTotals(BigDecimal today, BigDecimal monthToDate, BigDecimal last30Days, BigDecimal allTime) {
    }

    private final JdbcTemplate jdbc;

    public UsageQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Totals for each period {@code [starts[i], ends[i])}, in order, zero for periods without usage. */
    public List<Totals> perPeriod(UUID userId, List<Instant> starts, List<Instant> ends) {
        return jdbc.query("select count(u.request_id) as requests, coalesce(sum(u.prompt_tokens), 0) as prompt_tokens, "
                + "coalesce(sum(u.completion_tokens), 0) as completion_tokens, coalesce(sum(u.cost), 0) as cost, "
                + "count(u.request_id) filter (where u.cached) as cache_hits "
                + "from unnest(cast(? as timestamptz[]), cast(? as timestamptz[])) with ordinality as p(starts, ends, i) "
                + "left join usage_ledger u on u.user_id = ? and u.created_at >= p.starts and u.created_at < p.ends "
                + "and u.outcome <> '" + CallOutcome.HEDGE_CANCELLED + "' "
                + "group by p.i order by p.i",
                (rs, n) -> new Totals(rs.getLong("requests"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                        rs.getBigDecimal("cost"), rs.getLong("cache_hits")), arrayLiteral(starts), arrayLiteral(ends), userId);
    }

    /** Totals per provider and model in {@code [from, to)}, the costliest first. */
    public List<ModelTotals> perModel(UUID userId, Instant from, Instant to) {
        return jdbc.query("select provider, model, count(*) as requests, sum(prompt_tokens) as prompt_tokens, "
                + "sum(completion_tokens) as completion_tokens, sum(cost) as cost, "
                + "count(*) filter (where cached) as cache_hits from usage_ledger "
                + "where user_id = ? and created_at >= ? and created_at < ? "
                + "and outcome <> '" + CallOutcome.HEDGE_CANCELLED + "' group by provider, model "
                + "order by cost desc, provider nulls last, model nulls last",
                (rs, n) -> new ModelTotals(rs.getString("provider"), rs.getString("model"), new Totals(rs.getLong("requests"),
                        rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getBigDecimal("cost"),
                        rs.getLong("cache_hits"))),
                userId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    }

    public CostTotals costs(UUID userId, Instant todayStart, Instant monthStart, Instant last30Start) {
        return jdbc.queryForObject("select coalesce(sum(cost) filter (where created_at >= ?), 0) as today, "
                + "coalesce(sum(cost) filter (where created_at >= ?), 0) as month, "
                + "coalesce(sum(cost) filter (where created_at >= ?), 0) as last30, "
                + "coalesce(sum(cost), 0) as all_time from usage_ledger where user_id = ?",
                (rs, n) -> new CostTotals(rs.getBigDecimal("today"), rs.getBigDecimal("month"), rs.getBigDecimal("last30"),
                        rs.getBigDecimal("all_time")),
                todayStart.atOffset(ZoneOffset.UTC), monthStart.atOffset(ZoneOffset.UTC),
                last30Start.atOffset(ZoneOffset.UTC), userId);
    }

    /** A PostgreSQL array literal of ISO-8601 UTC instants, which the server parses exactly. */
    private static String arrayLiteral(List<Instant> instants) {
        return instants.stream().map(i -> "\"" + i + "\"").collect(Collectors.joining(",", "{", "}"));
    }
}
