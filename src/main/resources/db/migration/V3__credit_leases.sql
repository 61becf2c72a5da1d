-- Credit leases: a replica holds credit for many calls of one key at once and hands it out in memory, so a
-- call no longer waits for PostgreSQL before it runs (see CreditLeases). This is how online charging systems
-- grant quota to the nodes that spend it (Diameter credit control, RFC 4006).
--
-- A lease is a reservations row with lease = true. It holds the wallet and the key's budgets like a call's
-- reservation does; it grows when its replica needs more, and a leased call's charge is drawn from it when
-- the call is settled. Its replica renews its expiry while it lives and returns what is left when it is idle
-- or stops. A lease left by a crashed replica expires and the sweeper returns it.
alter table reservations add column lease boolean not null default false;

-- Calls running on a lease, written by their replica while they run (not on the request path: every quarter
-- second, the calls then open). They are what a crashed replica leaves behind: the sweeper charges each its
-- ledger cost or, if no ledger row was written, its reserved worst case, as it does for a call's reservation.
create table leased_calls (
    request_id  text primary key,
    lease_id    text not null,
    user_id     uuid not null references users (id),
    key_id      uuid references api_keys (id),
    amount      numeric(20, 8) not null,
    started_at  timestamptz not null default now()
);
create index leased_calls_lease on leased_calls (lease_id);

-- Holds credit on the wallet and, when the key has them, on its daily and monthly budgets: p_want if there is
-- room for it, else as much as there is, but at least p_need. The hold is added to reservation p_id (created
-- if new: a call's reservation or a lease). Returns what was granted. Refusals raise SQLSTATE CV402 with the
-- refusal code as message and hold nothing.
create function take_credit(p_id text, p_lease boolean, p_user_id uuid, p_key_id uuid, p_need numeric,
                            p_want numeric, p_day date, p_month date, p_daily_budget numeric,
                            p_monthly_budget numeric, p_expires_at timestamptz) returns numeric
    language plpgsql as $$
declare
    v_grant numeric := greatest(p_want, p_need);
    v_room  numeric;
begin
    -- A hold is not money: a charge is written by request id whether or not the hold survived a database
    -- crash, so this commit need not wait for the disk.
    perform set_config('synchronous_commit', 'off', true);
    -- the wallet first (settle_calls locks in the same order); it also serialises the key's budget rows
    select balance - reserved into v_room from wallets where user_id = p_user_id for update;
    if v_room is null or v_room < p_need then
        raise exception using errcode = 'CV402', message = 'insufficient_credits';
    end if;
    v_grant := least(v_grant, v_room);
    if p_daily_budget is not null then
        select p_daily_budget - spent - reserved into v_room from key_spend
            where key_id = p_key_id and period = 'day' and period_start = p_day;
        v_room := coalesce(v_room, p_daily_budget);
        if v_room < p_need then
            raise exception using errcode = 'CV402', message = 'daily_budget_exceeded';
        end if;
        v_grant := least(v_grant, v_room);
    end if;
    if p_monthly_budget is not null then
        select p_monthly_budget - spent - reserved into v_room from key_spend
            where key_id = p_key_id and period = 'month' and period_start = p_month;
        v_room := coalesce(v_room, p_monthly_budget);
        if v_room < p_need then
            raise exception using errcode = 'CV402', message = 'monthly_budget_exceeded';
        end if;
        v_grant := least(v_grant, v_room);
    end if;
    update wallets set reserved = reserved + v_grant, updated_at = now() where user_id = p_user_id;
    if p_daily_budget is not null then
        insert into key_spend as s (key_id, period, period_start, reserved) values (p_key_id, 'day', p_day, v_grant)
            on conflict (key_id, period, period_start) do update set reserved = s.reserved + excluded.reserved;
    end if;
    if p_monthly_budget is not null then
        insert into key_spend as s (key_id, period, period_start, reserved) values (p_key_id, 'month', p_month, v_grant)
            on conflict (key_id, period, period_start) do update set reserved = s.reserved + excluded.reserved;
    end if;
    insert into reservations as r (request_id, user_id, key_id, amount, day_start, month_start, expires_at,
                                   holds_day, holds_month, lease)
        values (p_id, p_user_id, p_key_id, v_grant, p_day, p_month, p_expires_at,
                p_daily_budget is not null, p_monthly_budget is not null, p_lease)
        on conflict (request_id) do update set amount = r.amount + excluded.amount,
                                               expires_at = greatest(r.expires_at, excluded.expires_at);
    return v_grant;
end
$$;

drop function reserve_call(text, uuid, uuid, numeric, date, date, numeric, numeric, timestamptz);
drop function settle_calls(text[], uuid[], uuid[], numeric[], text[], date, date);

-- Settles a batch of calls in one statement. Each call is charged its cost once per request id (the unique
-- charge index) on the wallet and the key's day and month spending. A call's own reservation is deleted and
-- its hold released; a leased call's charge is drawn from its lease instead (the charge replaces that part of
-- the hold), and its leased_calls row is deleted. Idempotent: a retried batch or a late sweeper changes
-- nothing. A charge needs no reservation, so a hold lost in a crash still ends in the right charge; a call
-- without one is charged to the periods p_day / p_month. Each row is changed once, in one statement: a wallet
-- is held for that statement and the commit only. A lease must not be returned (settled itself) in the same
-- statement as calls drawing from it.
create function settle_calls(p_request_ids text[], p_user_ids uuid[], p_key_ids uuid[], p_costs numeric[],
                             p_reasons text[], p_lease_ids text[], p_day date, p_month date) returns void
    language plpgsql as $$
begin
-- Lock the batch's wallets first, in one order: take_credit takes a wallet before a key's budget rows, and so
-- must this statement (whose parts run in no fixed order), or the two could deadlock on a key with budgets.
perform 1 from wallets where user_id = any(p_user_ids) order by user_id for update;
with calls as (
    -- a request id twice in one batch (a retried event) is settled once
    select distinct on (request_id) *
        from unnest(p_request_ids, p_user_ids, p_key_ids, p_costs, p_reasons, p_lease_ids)
        as c (request_id, user_id, key_id, cost, reason, lease_id)
), closed as (
    delete from reservations r
        using calls c
        where r.request_id = c.request_id
        returning r.request_id, r.user_id, r.key_id, r.amount, r.day_start, r.month_start, r.holds_day, r.holds_month
), unlisted as (
    delete from leased_calls l using calls c where l.request_id = c.request_id
), charged as (
    insert into wallet_transactions (user_id, amount, kind, reason, request_id, actor)
        select c.user_id, -c.cost, 'charge', c.reason, c.request_id, 'gateway' from calls c where c.cost <> 0
        on conflict do nothing
        returning request_id, user_id, -amount as cost
), draws as (
    -- per lease: what its newly charged calls cost, at most what it still holds
    select lz.request_id as lease_id, least(sum(ch.cost), lz.amount) as amount
        from charged ch join calls c using (request_id) join reservations lz on lz.request_id = c.lease_id
        group by lz.request_id, lz.amount
), drawn as (
    update reservations r set amount = r.amount - d.amount
        from draws d
        where r.request_id = d.lease_id
        returning r.user_id, r.key_id, d.amount, r.day_start, r.month_start, r.holds_day, r.holds_month
), released as (
    select * from closed
    union all
    select null, user_id, key_id, amount, day_start, month_start, holds_day, holds_month from drawn
), placed as (
    -- the periods a charge counts in: those its reservation or lease held, else the current ones
    select c.key_id, ch.cost, coalesce(r.day_start, lz.day_start, p_day) as day_start,
           coalesce(r.month_start, lz.month_start, p_month) as month_start
        from charged ch join calls c using (request_id)
        left join closed r using (request_id)
        left join reservations lz on lz.request_id = c.lease_id
        where c.key_id is not null
), spend as (
    -- per key and period: the holds released and the charges added
    select key_id, period, period_start, sum(released) as released, sum(spent) as spent from (
        select key_id, 'day' as period, day_start as period_start, amount as released, 0 as spent
            from released where holds_day
        union all
        select key_id, 'month', month_start, amount, 0 from released where holds_month
        union all
        select key_id, 'day', day_start, 0, cost from placed
        union all
        select key_id, 'month', month_start, 0, cost from placed
    ) deltas group by key_id, period, period_start
), spent as (
    insert into key_spend as s (key_id, period, period_start, spent, reserved)
        select key_id, period, period_start, spent, -released from spend
        on conflict (key_id, period, period_start)
        do update set spent = s.spent + excluded.spent, reserved = s.reserved + excluded.reserved
)
update wallets w set reserved = w.reserved - d.released, balance = w.balance - d.charged, updated_at = now()
    from (select user_id, sum(released) as released, sum(charged) as charged from (
              select user_id, amount as released, 0 as charged from released
              union all
              select user_id, 0, cost from charged
          ) deltas group by user_id) d
    where w.user_id = d.user_id;
end
$$;
