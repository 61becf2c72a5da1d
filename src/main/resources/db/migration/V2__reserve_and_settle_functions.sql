-- Reserve and settle run where the rows are: one round trip to hold a call's worst case, and a batch of
-- procedure calls to settle a ledger batch. Before, a reservation took four round trips on the client's time.

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

-- Settles one call: releases its hold if still open (marking the reservation p_status) and charges p_cost
-- once per request id (the unique charge index), to the wallet and to the key's day and month spending.
-- Idempotent: a retried batch or a late sweeper changes nothing. The charge needs no reservation, so a hold
-- lost in a crash still ends in the right charge. p_day/p_month are the periods to charge when no
-- reservation says which.
create procedure settle_call(p_request_id text, p_user_id uuid, p_key_id uuid, p_cost numeric, p_reason text,
                             p_day date, p_month date, p_status text)
    language plpgsql as $$
declare
    held       numeric := 0;
    held_key   uuid;
    held_day   boolean := false;
    held_month boolean := false;
    charged    numeric := 0;
    v_day      date := p_day;
    v_month    date := p_month;
    r          record;
begin
    update reservations set status = p_status, settled = p_cost
        where request_id = p_request_id and status = 'open'
        returning amount, key_id, day_start, month_start, holds_day, holds_month into r;
    if found then
        held := r.amount;
        held_key := r.key_id;
        held_day := r.holds_day;
        held_month := r.holds_month;
        v_day := r.day_start;
        v_month := r.month_start;
    end if;
    if p_cost <> 0 then
        insert into wallet_transactions (user_id, amount, kind, reason, request_id, actor)
            values (p_user_id, -p_cost, 'charge', p_reason, p_request_id, 'gateway')
            on conflict do nothing;
        if found then
            charged := p_cost;
        end if;
    end if;
    if held <> 0 or charged <> 0 then
        update wallets set reserved = reserved - held, balance = balance - charged, updated_at = now()
            where user_id = p_user_id;
    end if;
    if held_day then
        update key_spend set reserved = reserved - held
            where key_id = held_key and period = 'day' and period_start = v_day;
    end if;
    if held_month then
        update key_spend set reserved = reserved - held
            where key_id = held_key and period = 'month' and period_start = v_month;
    end if;
    if p_key_id is not null and charged <> 0 then
        insert into key_spend as s (key_id, period, period_start, spent)
            values (p_key_id, 'day', v_day, charged), (p_key_id, 'month', v_month, charged)
            on conflict (key_id, period, period_start) do update set spent = s.spent + excluded.spent;
    end if;
end
$$;
