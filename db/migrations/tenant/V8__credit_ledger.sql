-- The credit ledger. Money is integer micro-credits (1 credit = 1,000,000). credit_events is the
-- append-only truth; credit_accounts is its projection (balance and open holds), kept in the same
-- transaction as every event and recomputable from the events at any time (reconciliation).
--
-- Every movement goes through one of the functions below, so each is a single round trip and the
-- check-and-reserve is one conditional UPDATE on the tenant's account row, guarded by
-- CHECK (balance - reserved >= 0): however many instances race, PostgreSQL decides.

CREATE TABLE public.credit_accounts (
    tenant_id   uuid        NOT NULL,
    balance     bigint      NOT NULL DEFAULT 0,
    reserved    bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    CONSTRAINT credit_accounts_balance_nonnegative CHECK (balance >= 0),
    CONSTRAINT credit_accounts_reserved_nonnegative CHECK (reserved >= 0),
    CONSTRAINT credit_accounts_available_nonnegative CHECK (balance - reserved >= 0)
);
SELECT tessera_meta.make_tenant_owned('public.credit_accounts');

CREATE TABLE public.credit_events (
    tenant_id       uuid        NOT NULL,
    id              uuid        NOT NULL,
    type            text        NOT NULL,
    -- the amount the event is about, always >= 0 except for ADJUSTMENT (signed)
    amount          bigint      NOT NULL,
    -- its effect on the projection: sum(balance_delta) = balance, sum(hold_delta) = reserved
    balance_delta   bigint      NOT NULL,
    hold_delta      bigint      NOT NULL,
    request_id      text,
    idempotency_key text,
    api_key_id      uuid,
    tag             text,
    model_requested text,
    model_served    text,
    tokens_in       integer,
    tokens_out      integer,
    tokens_cached   integer,
    cache           text,
    actor           text        NOT NULL,
    reason          text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT credit_events_type_known CHECK (type IN
        ('GRANT','PURCHASE','RESERVE','SETTLE','RELEASE','REFUND','ADJUSTMENT','EXPIRY')),
    CONSTRAINT credit_events_amount_sign CHECK (type = 'ADJUSTMENT' OR amount >= 0)
);
CREATE INDEX credit_events_page_idx ON public.credit_events (tenant_id, created_at, id);
CREATE INDEX credit_events_request_idx ON public.credit_events (tenant_id, request_id)
    WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX credit_events_idempotency_unique ON public.credit_events (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- usage reports read settled calls by time
CREATE INDEX credit_events_usage_idx ON public.credit_events (tenant_id, created_at)
    WHERE type = 'SETTLE';
SELECT tessera_meta.make_tenant_owned('public.credit_events');
-- append-only: the application may read and add, never change or remove
REVOKE UPDATE, DELETE ON public.credit_events FROM tessera_app;

-- Refuses any change to a ledger event. Only a whole-tenant relocation or purge, which holds the
-- tenant's advisory lock exclusively (tier moves, deletion after the grace period), may remove
-- the tenant's events, and it does so through tessera_meta.purge_tenant_rows.
CREATE FUNCTION tessera_meta.ledger_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tessera.relocating', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'credit events are append-only: record a correcting event instead'
        USING ERRCODE = '42501';
END $$;
CREATE TRIGGER credit_events_append_only BEFORE UPDATE OR DELETE ON public.credit_events
    FOR EACH ROW EXECUTE FUNCTION tessera_meta.ledger_is_append_only();
CREATE TRIGGER credit_events_no_truncate BEFORE TRUNCATE ON public.credit_events
    FOR EACH STATEMENT EXECUTE FUNCTION tessera_meta.ledger_is_append_only();

-- Deletes the pinned tenant's rows of an append-only table, for tier moves and purges only: runs
-- as the owner, refuses unless this transaction holds the tenant's lock exclusively (which only
-- the mover and the purge take), and RLS still limits it to the pinned tenant.
CREATE FUNCTION tessera_meta.purge_tenant_rows(tbl regclass) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    tenant uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
    key    bigint;
    n      bigint;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'no tenant pinned' USING ERRCODE = '42501';
    END IF;
    key := tessera_meta.tenant_lock_key(tenant);
    IF NOT EXISTS (SELECT 1 FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                     AND mode = 'ExclusiveLock' AND objsubid = 1
                     AND ((classid::bigint << 32) | objid::bigint) = key) THEN
        RAISE EXCEPTION 'purging an append-only table needs the tenant''s exclusive lock'
            USING ERRCODE = '42501';
    END IF;
    PERFORM set_config('tessera.relocating', 'on', true);
    EXECUTE format('DELETE FROM %s WHERE tenant_id = $1', tbl) USING tenant;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('tessera.relocating', 'off', true);
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION tessera_meta.purge_tenant_rows(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.purge_tenant_rows(regclass) TO tessera_app;

-- One row per priced (or metered) request: the hold taken before the provider call and how it
-- ended. The request id makes reserve, settle and release idempotent.
CREATE TABLE public.credit_reservations (
    tenant_id       uuid        NOT NULL,
    request_id      text        NOT NULL,
    amount          bigint      NOT NULL CHECK (amount >= 0),
    status          text        NOT NULL CHECK (status IN ('OPEN','SETTLED','RELEASED')),
    charged         bigint      CHECK (charged >= 0),
    api_key_id      uuid,
    tag             text,
    model_requested text,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz,
    closed_by       text,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX credit_reservations_open_idx ON public.credit_reservations (tenant_id, expires_at)
    WHERE status = 'OPEN';
SELECT tessera_meta.make_tenant_owned('public.credit_reservations');

-- Budgets: per tenant, per API key or per workflow tag, over a UTC day or month; HARD blocks the
-- reservation that would cross the limit, SOFT only alerts at its thresholds.
CREATE TABLE public.budgets (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    scope            text        NOT NULL CHECK (scope IN ('TENANT','KEY','TAG')),
    scope_value      text        NOT NULL DEFAULT '',
    period           text        NOT NULL CHECK (period IN ('DAILY','MONTHLY')),
    limit_amount     bigint      NOT NULL CHECK (limit_amount > 0),
    enforcement      text        NOT NULL CHECK (enforcement IN ('HARD','SOFT')),
    alert_thresholds integer[]   NOT NULL DEFAULT '{80,100}',
    webhook_url      text,
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT budgets_scope_unique UNIQUE (tenant_id, scope, scope_value, period),
    CONSTRAINT budgets_scope_value CHECK ((scope = 'TENANT') = (scope_value = ''))
);
CREATE INDEX budgets_page_idx ON public.budgets (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.budgets');

CREATE TABLE public.budget_windows (
    tenant_id     uuid    NOT NULL,
    budget_id     uuid    NOT NULL,
    window_start  date    NOT NULL,
    spent         bigint  NOT NULL DEFAULT 0 CHECK (spent >= 0),
    reserved      bigint  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    -- the highest threshold already alerted in this window
    alerted       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, budget_id, window_start),
    CONSTRAINT budget_windows_budget_fk FOREIGN KEY (tenant_id, budget_id)
        REFERENCES public.budgets (tenant_id, id) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.budget_windows');

CREATE TABLE public.budget_alerts (
    tenant_id     uuid        NOT NULL,
    id            uuid        NOT NULL,
    budget_id     uuid        NOT NULL,
    window_start  date        NOT NULL,
    threshold     integer     NOT NULL,
    spent         bigint      NOT NULL,
    limit_amount  bigint      NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT budget_alerts_budget_fk FOREIGN KEY (tenant_id, budget_id)
        REFERENCES public.budgets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX budget_alerts_page_idx ON public.budget_alerts (tenant_id, created_at, id);
CREATE INDEX budget_alerts_budget_idx ON public.budget_alerts (tenant_id, budget_id);
CREATE INDEX budget_alerts_undelivered_idx ON public.budget_alerts (tenant_id, created_at)
    WHERE delivered_at IS NULL;
SELECT tessera_meta.make_tenant_owned('public.budget_alerts');

-- The audit trail of reconciliation: every drift found between the projection and the events,
-- and that it was repaired from the events.
CREATE TABLE public.billing_reconciliations (
    tenant_id          uuid        NOT NULL,
    id                 uuid        NOT NULL,
    projected_balance  bigint      NOT NULL,
    projected_reserved bigint      NOT NULL,
    event_balance      bigint      NOT NULL,
    event_reserved     bigint      NOT NULL,
    actor              text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX billing_reconciliations_page_idx ON public.billing_reconciliations (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.billing_reconciliations');

-- ---------------------------------------------------------------------------------------------
-- The movements. All run as the caller (tessera_app) inside a tenant transaction, so RLS pins
-- every row to the tenant; they raise SQLSTATE TS402 (credits short) or TS403 (a hard budget).

CREATE FUNCTION tessera_meta.billing_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

CREATE FUNCTION tessera_meta.billing_window_start(period text, at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE period WHEN 'DAILY' THEN (at AT TIME ZONE 'UTC')::date
                       ELSE date_trunc('month', at AT TIME ZONE 'UTC')::date END
$$;

-- Moves the budget windows a request counts against: +reserve to their holds, then at the end
-- -release from the holds and +spend to the spent, alerting at thresholds crossed. HARD budgets
-- refuse a reserve that would cross their limit.
CREATE FUNCTION tessera_meta.billing_budgets(p_key uuid, p_tag text, p_at timestamptz,
                                             p_reserve bigint, p_release bigint, p_spend bigint)
RETURNS void LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    b record;
    w date;
    spent_now bigint;
    alerted_now integer;
    th integer;
BEGIN
    FOR b IN SELECT * FROM public.budgets
             WHERE tenant_id = t
               AND (scope = 'TENANT'
                    OR (scope = 'KEY' AND p_key IS NOT NULL AND scope_value = p_key::text)
                    OR (scope = 'TAG' AND p_tag IS NOT NULL AND scope_value = p_tag))
             ORDER BY id LOOP
        w := tessera_meta.billing_window_start(b.period, p_at);
        INSERT INTO public.budget_windows (tenant_id, budget_id, window_start)
            VALUES (t, b.id, w) ON CONFLICT DO NOTHING;
        IF p_reserve > 0 THEN
            UPDATE public.budget_windows SET reserved = reserved + p_reserve
             WHERE tenant_id = t AND budget_id = b.id AND window_start = w
               AND (b.enforcement = 'SOFT' OR spent + reserved + p_reserve <= b.limit_amount);
            IF NOT FOUND THEN
                RAISE EXCEPTION 'budget % exceeded', b.id
                    USING ERRCODE = 'TS403', DETAIL = b.id::text;
            END IF;
        END IF;
        IF p_release > 0 OR p_spend > 0 THEN
            UPDATE public.budget_windows
               SET reserved = GREATEST(0, reserved - p_release), spent = spent + p_spend
             WHERE tenant_id = t AND budget_id = b.id AND window_start = w
            RETURNING spent, alerted INTO spent_now, alerted_now;
            FOR th IN SELECT x FROM unnest(b.alert_thresholds) x WHERE x > alerted_now ORDER BY x LOOP
                EXIT WHEN spent_now * 100 < b.limit_amount * th;
                INSERT INTO public.budget_alerts (tenant_id, id, budget_id, window_start, threshold,
                                                  spent, limit_amount)
                    VALUES (t, gen_random_uuid(), b.id, w, th, spent_now, b.limit_amount);
                UPDATE public.budget_windows SET alerted = th
                 WHERE tenant_id = t AND budget_id = b.id AND window_start = w;
            END LOOP;
        END IF;
    END LOOP;
END $$;

-- Holds the worst-case cost of a request before the provider is called. Idempotent on the
-- request id: a duplicate returns the existing hold and takes nothing more.
CREATE FUNCTION tessera_meta.billing_reserve(p_request text, p_amount bigint, p_key uuid, p_tag text,
                                             p_model text, p_expires timestamptz, p_actor text)
RETURNS TABLE (outcome text, held bigint, available bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    avail bigint;
BEGIN
    IF p_amount < 0 THEN
        RAISE EXCEPTION 'negative hold' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.credit_reservations (tenant_id, request_id, amount, status, api_key_id, tag,
                                            model_requested, expires_at)
        VALUES (t, p_request, p_amount, 'OPEN', p_key, p_tag, p_model, p_expires)
        ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'DUPLICATE'::text, r.amount,
                            coalesce((SELECT a.balance - a.reserved FROM public.credit_accounts a
                                      WHERE a.tenant_id = t), 0)
                       FROM public.credit_reservations r
                      WHERE r.tenant_id = t AND r.request_id = p_request;
        RETURN;
    END IF;
    IF p_amount > 0 THEN
        UPDATE public.credit_accounts SET reserved = reserved + p_amount, updated_at = now()
         WHERE tenant_id = t AND balance - reserved >= p_amount
        RETURNING balance - reserved INTO avail;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insufficient credits'
                USING ERRCODE = 'TS402',
                      DETAIL = coalesce((SELECT (a.balance - a.reserved)::text FROM public.credit_accounts a
                                         WHERE a.tenant_id = t), '0');
        END IF;
        PERFORM tessera_meta.billing_budgets(p_key, p_tag, now(), p_amount, 0, 0);
    ELSE
        avail := coalesce((SELECT a.balance - a.reserved FROM public.credit_accounts a
                           WHERE a.tenant_id = t), 0);
    END IF;
    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                      request_id, api_key_id, tag, model_requested, actor)
        VALUES (t, gen_random_uuid(), 'RESERVE', p_amount, 0, p_amount,
                p_request, p_key, p_tag, p_model, p_actor);
    RETURN QUERY SELECT 'RESERVED'::text, p_amount, avail;
END $$;

-- Ends a hold with the actual cost: charges it (at most the hold plus what is still available),
-- releases the rest, in one transaction. Idempotent: a request already settled or released is
-- answered with what happened, and nothing more is charged.
CREATE FUNCTION tessera_meta.billing_settle(p_request text, p_cost bigint, p_served text,
                                            p_in integer, p_out integer, p_cached integer,
                                            p_cache text, p_actor text)
RETURNS TABLE (outcome text, charged bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    r public.credit_reservations%ROWTYPE;
    acct public.credit_accounts%ROWTYPE;
    charge bigint;
    from_hold bigint;
BEGIN
    SELECT * INTO r FROM public.credit_reservations
     WHERE tenant_id = t AND request_id = p_request FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'UNKNOWN'::text, 0::bigint;
        RETURN;
    END IF;
    IF r.status <> 'OPEN' THEN
        RETURN QUERY SELECT 'ALREADY_' || r.status, coalesce(r.charged, 0);
        RETURN;
    END IF;
    charge := GREATEST(p_cost, 0);
    IF charge > r.amount THEN
        -- usage beyond the worst case (a provider ignoring max_tokens): take what is available
        SELECT * INTO acct FROM public.credit_accounts WHERE tenant_id = t FOR UPDATE;
        charge := r.amount + LEAST(charge - r.amount, GREATEST(coalesce(acct.balance - acct.reserved, 0), 0));
    END IF;
    from_hold := LEAST(charge, r.amount);
    IF charge > 0 OR r.amount > 0 THEN
        UPDATE public.credit_accounts
           SET balance = balance - charge, reserved = reserved - r.amount, updated_at = now()
         WHERE tenant_id = t;
    END IF;
    UPDATE public.credit_reservations
       SET status = 'SETTLED', charged = charge, closed_at = now(), closed_by = p_actor
     WHERE tenant_id = t AND request_id = p_request;
    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                      request_id, api_key_id, tag, model_requested, model_served,
                                      tokens_in, tokens_out, tokens_cached, cache, actor,
                                      reason)
        VALUES (t, gen_random_uuid(), 'SETTLE', charge, -charge, -from_hold,
                p_request, r.api_key_id, r.tag, r.model_requested, p_served,
                p_in, p_out, p_cached, p_cache, p_actor,
                CASE WHEN charge < p_cost THEN 'capped at the credits available' END);
    IF r.amount > from_hold THEN
        INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                          request_id, api_key_id, tag, actor, reason)
            VALUES (t, gen_random_uuid(), 'RELEASE', r.amount - from_hold, 0, -(r.amount - from_hold),
                    p_request, r.api_key_id, r.tag, p_actor, 'unused part of the hold');
    END IF;
    PERFORM tessera_meta.billing_budgets(r.api_key_id, r.tag, r.created_at, 0, r.amount, charge);
    RETURN QUERY SELECT 'SETTLED'::text, charge;
END $$;

-- Gives a whole hold back (the call failed, or the reaper found it expired). Idempotent.
CREATE FUNCTION tessera_meta.billing_release(p_request text, p_actor text, p_reason text,
                                             p_only_expired boolean)
RETURNS text
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    r public.credit_reservations%ROWTYPE;
BEGIN
    SELECT * INTO r FROM public.credit_reservations
     WHERE tenant_id = t AND request_id = p_request FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'UNKNOWN';
    END IF;
    IF r.status <> 'OPEN' THEN
        RETURN 'ALREADY_' || r.status;
    END IF;
    IF p_only_expired AND r.expires_at > now() THEN
        RETURN 'NOT_EXPIRED';
    END IF;
    IF r.amount > 0 THEN
        UPDATE public.credit_accounts SET reserved = reserved - r.amount, updated_at = now()
         WHERE tenant_id = t;
    END IF;
    UPDATE public.credit_reservations
       SET status = 'RELEASED', charged = 0, closed_at = now(), closed_by = p_actor
     WHERE tenant_id = t AND request_id = p_request;
    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                      request_id, api_key_id, tag, model_requested, actor, reason)
        VALUES (t, gen_random_uuid(), 'RELEASE', r.amount, 0, -r.amount,
                p_request, r.api_key_id, r.tag, r.model_requested, p_actor, p_reason);
    PERFORM tessera_meta.billing_budgets(r.api_key_id, r.tag, r.created_at, 0, r.amount, 0);
    RETURN 'RELEASED';
END $$;

-- A credit movement outside a request: GRANT, PURCHASE, REFUND, ADJUSTMENT (signed) or EXPIRY.
-- Idempotent on p_key: the same key answers the first event (and 'CONFLICT' if the amount or
-- type differ). Never lets the available balance go below zero.
CREATE FUNCTION tessera_meta.billing_movement(p_type text, p_amount bigint, p_key text,
                                              p_request text, p_actor text, p_reason text)
RETURNS TABLE (outcome text, event_id uuid, balance bigint, reserved bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    e public.credit_events%ROWTYPE;
    delta bigint;
    new_id uuid := gen_random_uuid();
BEGIN
    delta := CASE p_type WHEN 'GRANT' THEN p_amount WHEN 'PURCHASE' THEN p_amount
                         WHEN 'REFUND' THEN p_amount WHEN 'ADJUSTMENT' THEN p_amount
                         WHEN 'EXPIRY' THEN -p_amount END;
    IF delta IS NULL OR (p_type <> 'ADJUSTMENT' AND p_amount <= 0) OR p_amount = 0 THEN
        RAISE EXCEPTION 'invalid movement % %', p_type, p_amount USING ERRCODE = '22023';
    END IF;
    -- the event first: a concurrent movement with the same key waits here for the first one,
    -- then finds it and answers it instead of recording a second
    BEGIN
        INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                          request_id, idempotency_key, actor, reason)
            VALUES (t, new_id, p_type, p_amount, delta, 0, p_request, p_key, p_actor, p_reason);
    EXCEPTION WHEN unique_violation THEN
        SELECT * INTO e FROM public.credit_events WHERE tenant_id = t AND idempotency_key = p_key;
        RETURN QUERY SELECT CASE WHEN e.type = p_type AND e.amount = p_amount
                                 THEN 'DUPLICATE' ELSE 'CONFLICT' END,
                            e.id, a.balance, a.reserved
                       FROM public.credit_accounts a WHERE a.tenant_id = t;
        RETURN;
    END;
    IF p_type = 'REFUND' AND p_request IS NOT NULL THEN
        -- a request is refunded at most what it was charged (this refund included)
        IF (SELECT coalesce(sum(balance_delta) FILTER (WHERE type = 'REFUND'), 0)
                 - coalesce(sum(-balance_delta) FILTER (WHERE type = 'SETTLE'), 0)
              FROM public.credit_events
             WHERE tenant_id = t AND request_id = p_request) > 0 THEN
            RAISE EXCEPTION 'refund exceeds what the request was charged' USING ERRCODE = 'TS422';
        END IF;
    END IF;
    INSERT INTO public.credit_accounts (tenant_id) VALUES (t) ON CONFLICT DO NOTHING;
    UPDATE public.credit_accounts SET balance = balance + delta, updated_at = now()
     WHERE tenant_id = t AND balance - reserved + delta >= 0;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'that would take the balance below what is held or zero'
            USING ERRCODE = 'TS402';
    END IF;
    RETURN QUERY SELECT 'APPLIED'::text, new_id, a.balance, a.reserved
                   FROM public.credit_accounts a WHERE a.tenant_id = t;
END $$;

-- Records calls that cost nothing (the built-in models, free cache hits) in one round trip per
-- batch: each as a settled zero reservation and one SETTLE event of 0, once per request id.
CREATE FUNCTION tessera_meta.billing_record_free(p_requests text[], p_keys uuid[], p_tags text[],
                                                 p_models text[], p_served text[],
                                                 p_in integer[], p_out integer[],
                                                 p_cached integer[], p_cache text[], p_actor text)
RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    n integer;
BEGIN
    WITH calls AS (
        SELECT DISTINCT ON (request_id) * FROM unnest(p_requests, p_keys, p_tags, p_models, p_served, p_in, p_out,
                             p_cached, p_cache)
                   AS u(request_id, api_key_id, tag, model_requested, model_served,
                        tokens_in, tokens_out, tokens_cached, cache)),
    fresh AS (
        INSERT INTO public.credit_reservations (tenant_id, request_id, amount, status, charged,
                                                api_key_id, tag, model_requested, expires_at,
                                                closed_at, closed_by)
        SELECT t, request_id, 0, 'SETTLED', 0, api_key_id, tag, model_requested, now(), now(),
               p_actor
          FROM calls
        ON CONFLICT DO NOTHING
        RETURNING request_id)
    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                      request_id, api_key_id, tag, model_requested, model_served,
                                      tokens_in, tokens_out, tokens_cached, cache, actor)
    SELECT t, gen_random_uuid(), 'SETTLE', 0, 0, 0, c.request_id, c.api_key_id, c.tag,
           c.model_requested, c.model_served, c.tokens_in, c.tokens_out, c.tokens_cached, c.cache,
           p_actor
      FROM calls c JOIN fresh f ON f.request_id = c.request_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Recomputes the tenant's projection from its whole event stream; repairs it when they differ
-- and answers the drift found (zero when the projection was right).
CREATE FUNCTION tessera_meta.billing_reconcile()
RETURNS TABLE (projected_balance bigint, projected_reserved bigint,
               event_balance bigint, event_reserved bigint, open_holds bigint, repaired boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    pb bigint; pr bigint; eb bigint; er bigint; oh bigint;
BEGIN
    INSERT INTO public.credit_accounts (tenant_id) VALUES (t) ON CONFLICT DO NOTHING;
    SELECT a.balance, a.reserved INTO pb, pr FROM public.credit_accounts a
     WHERE a.tenant_id = t FOR UPDATE;
    SELECT coalesce(sum(balance_delta), 0), coalesce(sum(hold_delta), 0) INTO eb, er
      FROM public.credit_events WHERE tenant_id = t;
    SELECT coalesce(sum(amount), 0) INTO oh FROM public.credit_reservations
     WHERE tenant_id = t AND status = 'OPEN';
    IF pb <> eb OR pr <> er THEN
        UPDATE public.credit_accounts SET balance = eb, reserved = er, updated_at = now()
         WHERE tenant_id = t;
        INSERT INTO public.billing_reconciliations (tenant_id, id, projected_balance,
                                                    projected_reserved, event_balance,
                                                    event_reserved, actor)
            VALUES (t, gen_random_uuid(), pb, pr, eb, er, 'reconciliation');
        RETURN QUERY SELECT pb, pr, eb, er, oh, true;
    ELSE
        RETURN QUERY SELECT pb, pr, eb, er, oh, false;
    END IF;
END $$;

-- Reservations whose request died: released exactly once (each by its own conditional update).
CREATE FUNCTION tessera_meta.billing_reap(p_limit integer)
RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    req text;
    n integer := 0;
BEGIN
    FOR req IN SELECT request_id FROM public.credit_reservations
                WHERE tenant_id = t AND status = 'OPEN' AND expires_at < now()
                ORDER BY expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        IF tessera_meta.billing_release(req, 'reaper', 'reservation expired', true) = 'RELEASED' THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;

-- Which tenants have billing work due (expired holds, undelivered budget alerts), so the reaper
-- visits only those instead of every tenant. Ids only: runs as the owner, whose only extra right
-- is to read these two tables' tenant ids through this function.
CREATE POLICY billing_scan ON public.credit_reservations FOR SELECT TO tessera_owner USING (true);
CREATE POLICY billing_scan ON public.budget_alerts FOR SELECT TO tessera_owner USING (true);
CREATE FUNCTION tessera_meta.billing_tenants_due(p_limit integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT tenant_id FROM (
        SELECT tenant_id FROM public.credit_reservations
         WHERE status = 'OPEN' AND expires_at < now()
        UNION
        SELECT tenant_id FROM public.budget_alerts WHERE delivered_at IS NULL) due
    LIMIT p_limit
$$;
REVOKE EXECUTE ON FUNCTION tessera_meta.billing_tenants_due(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_tenants_due(integer) TO tessera_app;

GRANT EXECUTE ON FUNCTION tessera_meta.billing_tenant() TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_window_start(text, timestamptz) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_budgets(uuid, text, timestamptz, bigint, bigint, bigint) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_reserve(text, bigint, uuid, text, text, timestamptz, text) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_settle(text, bigint, text, integer, integer, integer, text, text) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_release(text, text, text, boolean) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_movement(text, bigint, text, text, text, text) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_reconcile() TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_record_free(text[], uuid[], text[], text[], text[], integer[], integer[], integer[], text[], text) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_reap(integer) TO tessera_app;
