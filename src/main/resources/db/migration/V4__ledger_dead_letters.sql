-- A usage event whose ledger row could not be written for a reason that a retry does not cure (a data error
-- isolated to that one row). It is kept here with its raw event and the error, never dropped: its cost is
-- charged to its wallet when it is dead-lettered (charged says whether that worked), and an admin replays it
-- into the ledger once the cause is fixed (replayed_at).
create table ledger_dead_letters (
    id           bigserial primary key,
    request_id   text not null,
    user_id      uuid,
    key_id       uuid,
    cost         numeric(20, 8),
    charged      boolean not null,
    -- the event as JSON with every non-ASCII character escaped, so that this row is always writable
    event        text not null,
    error        text not null,
    created_at   timestamptz not null default now(),
    replayed_at  timestamptz
);
create index ledger_dead_letters_open on ledger_dead_letters (id) where replayed_at is null;
