-- Reserve and settle run where the rows are: one round trip to hold a call's worst case, and a batch of
-- procedure calls to settle a ledger batch. Before, a reservation took four round trips on the client's time.

-- A reservation row now lives only while its hold is open: settling deletes it (cheaper for PostgreSQL than
-- marking it, which rewrote the row and its index entries on every call). What a call cost stays in the
-- usage ledger and the wallet transactions. The table holds only calls in flight, so the sweeper (once a
-- minute) scans it without an index, and no call pays for maintaining one.
drop index reservations_open;
alter table reservations drop column status;
alter table reservations drop column settled;

-- A client's x-request-id is echoed and logged but never keys billing (a reused one would collide with, or
-- hide, another call): the ledger's request_id is always Caravan's own, the client's is kept beside it.
alter table usage_ledger add column client_request_id text;

-- Which budget periods a reservation holds, so that settling releases exactly what was held (a key with only
-- a daily budget holds nothing in its month row).
alter table reservations add column holds_day boolean not null default false;
alter table reservations add column holds_month boolean not null default false;

-- Holds p_amount for a call on the wallet and, when the key has them, on its daily and monthly budgets.
-- Refusals raise SQLSTATE CV402 with the refusal code as message; the statement then holds nothing.
create function reserve_call(p_request_id text, p_user_id uuid, p_key_id uuid, p_amount numeric,
                             p_day date, p_month date, p_daily_budget numeric, p_monthly_budget numeric,
                             p_expires_at timestamptz) returns void
    language plpgsql as $$
begin
    -- A hold is not money: settle_call charges by request id whether or not its hold survived a database
    -- crash, so this commit need not wait for the disk (which would dominate the gateway's added latency).
    perform set_config('synchronous_commit', 'off', true);
    update wallets set reserved = reserved + p_amount, updated_at = now()
        where user_id = p_user_id and balance - reserved >= p_amount;
    if not found then
        raise exception using errcode = 'CV402', message = 'insufficient_credits';
    end if;
    if p_daily_budget is not null then
        insert into key_spend as s (key_id, period, period_start, reserved)
            select p_key_id, 'day', p_day, p_amount where p_amount <= p_daily_budget
            on conflict (key_id, period, period_start) do update set reserved = s.reserved + excluded.reserved
            where s.spent + s.reserved + excluded.reserved <= p_daily_budget;
        if not found then
            raise exception using errcode = 'CV402', message = 'daily_budget_exceeded';
        end if;
    end if;
    if p_monthly_budget is not null then
        insert into key_spend as s (key_id, period, period_start, reserved)
            select p_key_id, 'month', p_month, p_amount where p_amount <= p_monthly_budget
            on conflict (key_id, period, period_start) do update set reserved = s.reserved + excluded.reserved
            where s.spent + s.reserved + excluded.reserved <= p_monthly_budget;
        if not found then
            raise exception using errcode = 'CV402', message = 'monthly_budget_exceeded';
        end if;
    end if;
    insert into reservations (request_id, user_id, key_id, amount, day_start, month_start, expires_at,
                              holds_day, holds_month)
        values (p_request_id, p_user_id, p_key_id, p_amount, p_day, p_month, p_expires_at,
                p_daily_budget is not null, p_monthly_budget is not null);
end
$$;

-- Settles a batch of calls in one statement: each call's open reservation is deleted and its hold released, and its cost is charged once per request id (the unique charge index) to the wallet
-- and to the key's day and month spending. Idempotent: a retried batch or a late sweeper changes nothing. A
-- charge needs no reservation, so a hold lost in a crash still ends in the right charge; a call without one is
-- charged to the periods p_day / p_month. Each row is changed once, in one statement: a wallet is held for
-- that statement and the commit, not for a statement per call.
create function settle_calls(p_request_ids text[], p_user_ids uuid[], p_key_ids uuid[], p_costs numeric[],
                             p_reasons text[], p_day date, p_month date) returns void
    language plpgsql as $$
begin
-- Lock the batch's wallets first, in one order: reserve_call takes a wallet before a key's budget rows, and so
-- must this statement (whose parts run in no fixed order), or the two could deadlock on a key with budgets.
perform 1 from wallets where user_id = any(p_user_ids) order by user_id for update;
with calls as (
    -- a request id twice in one batch (a retried event) is settled once
    select distinct on (request_id) *
        from unnest(p_request_ids, p_user_ids, p_key_ids, p_costs, p_reasons)
        as c (request_id, user_id, key_id, cost, reason)
), closed as (
    delete from reservations r
        using calls c
        where r.request_id = c.request_id
        returning r.request_id, r.user_id, r.key_id, r.amount, r.day_start, r.month_start, r.holds_day, r.holds_month
), charged as (
    insert into wallet_transactions (user_id, amount, kind, reason, request_id, actor)
        select c.user_id, -c.cost, 'charge', c.reason, c.request_id, 'gateway' from calls c where c.cost <> 0
        on conflict do nothing
        returning request_id, user_id, -amount as cost
), spend as (
    -- per key and period: the holds released and the charges added
    select key_id, period, period_start, sum(released) as released, sum(spent) as spent from (
        select key_id, 'day' as period, day_start as period_start, amount as released, 0 as spent
            from closed where holds_day
        union all
        select key_id, 'month', month_start, amount, 0 from closed where holds_month
        union all
        select c.key_id, 'day', coalesce(r.day_start, p_day), 0, ch.cost
            from charged ch join calls c using (request_id) left join closed r using (request_id)
            where c.key_id is not null
        union all
        select c.key_id, 'month', coalesce(r.month_start, p_month), 0, ch.cost
            from charged ch join calls c using (request_id) left join closed r using (request_id)
            where c.key_id is not null
    ) deltas group by key_id, period, period_start
), spent as (
    insert into key_spend as s (key_id, period, period_start, spent, reserved)
        select key_id, period, period_start, spent, -released from spend
        on conflict (key_id, period, period_start)
        do update set spent = s.spent + excluded.spent, reserved = s.reserved + excluded.reserved
)
update wallets w set reserved = w.reserved - d.released, balance = w.balance - d.charged, updated_at = now()
    from (select user_id, sum(released) as released, sum(charged) as charged from (
              select user_id, amount as released, 0 as charged from closed
              union all
              select user_id, 0, cost from charged
          ) deltas group by user_id) d
    where w.user_id = d.user_id;
end
$$;
