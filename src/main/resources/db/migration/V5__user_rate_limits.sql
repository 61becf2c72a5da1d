-- per-user rate limits, overriding caravan.quota.user-rpm / user-tpm; null means the default applies
alter table users add column rate_limit_rpm integer;
alter table users add column rate_limit_tpm integer;
