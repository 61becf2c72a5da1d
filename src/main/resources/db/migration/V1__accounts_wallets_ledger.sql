-- Users, API keys, wallets with reservations, per-key budgets, the usage ledger and the audit log.
-- Money is numeric(20,8): exact decimal dollars to 1e-8, never floating point.

create table users (
    id          uuid primary key,
    email       text unique,
    name        text not null,
    disabled    boolean not null default false,
    created_at  timestamptz not null default now()
);

create table api_keys (
    id                 uuid primary key,
    user_id            uuid not null references users (id),
    name               text not null,
    -- sha-256 of the whole key; the key itself is shown once and never stored
    key_hash           bytea not null unique,
    -- first characters of the key (cvn_live_ab12), to recognise it in lists and logs
    key_prefix         text not null,
    test               boolean not null default false,
    admin              boolean not null default false,
    -- models and profiles the key may call; null means all
    scopes             text[],
    expires_at         timestamptz,
    revoked_at         timestamptz,
    ip_allowlist       text[],
    allowed_referrers  text[],
    daily_budget       numeric(20, 8),
    monthly_budget     numeric(20, 8),
    rate_limit_rpm     integer,
    rate_limit_tpm     integer,
    rotated_from       uuid references api_keys (id),
    created_at         timestamptz not null default now()
);
create index api_keys_user on api_keys (user_id);

create table wallets (
    user_id     uuid primary key references users (id),
    balance     numeric(20, 8) not null default 0,
    -- sum of the open reservations: spendable = balance - reserved
    reserved    numeric(20, 8) not null default 0,
    updated_at  timestamptz not null default now()
);

-- every change of a balance, with its reason: top-ups, adjustments, charges for requests
create table wallet_transactions (
    id          bigserial primary key,
    user_id     uuid not null references users (id),
    amount      numeric(20, 8) not null,
    kind        text not null check (kind in ('topup', 'adjustment', 'charge')),
    reason      text,
    request_id  text,
    actor       text,
    created_at  timestamptz not null default now()
);
-- a request is charged once, whatever retries the settlement goes through
create unique index wallet_transactions_one_charge on wallet_transactions (request_id) where kind = 'charge';
create index wallet_transactions_user on wallet_transactions (user_id, created_at);

-- worst-case cost held before a call, released when the call is settled on its real usage
create table reservations (
    request_id   text primary key,
    user_id      uuid not null references users (id),
    key_id       uuid references api_keys (id),
    amount       numeric(20, 8) not null,
    day_start    date not null,
    month_start  date not null,
    status       text not null default 'open' check (status in ('open', 'settled', 'expired')),
    settled      numeric(20, 8),
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);
create index reservations_open on reservations (expires_at) where status = 'open';

-- per-key spending per calendar day and month (in the configured time zone)
create table key_spend (
    key_id        uuid not null references api_keys (id),
    period        text not null check (period in ('day', 'month')),
    period_start  date not null,
    spent         numeric(20, 8) not null default 0,
    reserved      numeric(20, 8) not null default 0,
    primary key (key_id, period, period_start)
);

create table usage_ledger (
    request_id         text primary key,
    user_id            uuid,
    key_id             uuid,
    operation          text not null,
    profile            text,
    provider           text,
    model              text,
    requested_model    text,
    prompt_tokens      bigint not null default 0,
    completion_tokens  bigint not null default 0,
    cached_tokens      bigint not null default 0,
    cost               numeric(20, 8) not null default 0,
    estimated          boolean not null default false,
    cached             boolean not null default false,
    status             integer not null,
    outcome            text not null,
    latency_ms         bigint,
    ttft_ms            bigint,
    attempts           integer not null default 0,
    created_at         timestamptz not null default now()
);
create index usage_ledger_user_time on usage_ledger (user_id, created_at);
create index usage_ledger_key_time on usage_ledger (key_id, created_at);

create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null default now(),
    actor       text,
    action      text not null,
    target      text,
    detail      text,
    ip          text
);
create index audit_log_at on audit_log (at);
