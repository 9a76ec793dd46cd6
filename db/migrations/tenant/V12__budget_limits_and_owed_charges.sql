-- Budgets that cannot break charging, and charges that survive a failed settle (issue 8, item 1).

-- A budget limit is at most 10^15 micro-credits (a billion credits); the API says so with a 400.
-- NOT VALID: an existing larger one keeps working (the arithmetic below cannot overflow anyway).
ALTER TABLE public.budgets ADD CONSTRAINT budgets_limit_sane
    CHECK (limit_amount <= 1000000000000000) NOT VALID;

-- As in V8, with the threshold and limit arithmetic in numeric: limit * threshold overflowed
-- bigint for limits near its top, failing every settle and release the budget touched.
CREATE OR REPLACE FUNCTION tessera_meta.billing_budgets(p_key uuid, p_tag text, p_at timestamptz,
                                                        p_reserve bigint, p_release bigint,
                                                        p_spend bigint)
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
               AND (b.enforcement = 'SOFT'
                    OR spent::numeric + reserved + p_reserve <= b.limit_amount);
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
                EXIT WHEN spent_now::numeric * 100 < b.limit_amount::numeric * th;
                INSERT INTO public.budget_alerts (tenant_id, id, budget_id, window_start, threshold,
                                                  spent, limit_amount)
                    VALUES (t, gen_random_uuid(), b.id, w, th, spent_now, b.limit_amount);
                UPDATE public.budget_windows SET alerted = th
                 WHERE tenant_id = t AND budget_id = b.id AND window_start = w;
            END LOOP;
        END IF;
    END LOOP;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_budgets(uuid, text, timestamptz, bigint, bigint, bigint)', 'tessera_ledger_owner', false);

-- A charge the gateway could not settle (after a retry): recorded here in a transaction of its
-- own, then collected by the reaper (every 15 s) and by reconciliation. While a request has an
-- uncollected charge its hold is never released, so the call cannot go uncharged.
CREATE TABLE public.credit_owed (
    tenant_id      uuid        NOT NULL,
    request_id     text        NOT NULL,
    cost           bigint      NOT NULL CHECK (cost >= 0),
    model_served   text,
    tokens_in      integer,
    tokens_out     integer,
    tokens_cached  integer,
    cache          text,
    actor          text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    collected_at   timestamptz,
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX credit_owed_open_idx ON public.credit_owed (tenant_id, created_at)
    WHERE collected_at IS NULL;
SELECT tessera_meta.make_tenant_owned('public.credit_owed');
REVOKE INSERT, UPDATE, DELETE ON public.credit_owed FROM tessera_app;
GRANT SELECT, INSERT, UPDATE ON public.credit_owed TO tessera_ledger_owner;
CREATE POLICY billing_scan ON public.credit_owed FOR SELECT TO tessera_owner USING (true);

CREATE FUNCTION tessera_meta.billing_owe(p_request text, p_cost bigint, p_served text,
                                         p_in integer, p_out integer, p_cached integer,
                                         p_cache text, p_actor text)
RETURNS boolean LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.credit_reservations
                    WHERE tenant_id = t AND request_id = p_request AND status = 'OPEN') THEN
        RETURN false; -- settled or released meanwhile, or never held: nothing is owed
    END IF;
    INSERT INTO public.credit_owed (tenant_id, request_id, cost, model_served, tokens_in,
                                    tokens_out, tokens_cached, cache, actor)
        VALUES (t, p_request, GREATEST(p_cost, 0), p_served, p_in, p_out, p_cached, p_cache,
                p_actor)
        ON CONFLICT DO NOTHING;
    RETURN true;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_owe(text, bigint, text, integer, integer, integer, text, text)', 'tessera_ledger_owner', true);

-- Settles the tenant's owed charges, each in a subtransaction of its own so one that still fails
-- (kept, with its error) does not stop the others. Answers how many were collected.
CREATE FUNCTION tessera_meta.billing_collect_owed(p_limit integer)
RETURNS integer LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    o public.credit_owed%ROWTYPE;
    n integer := 0;
BEGIN
    FOR o IN SELECT * FROM public.credit_owed
              WHERE tenant_id = t AND collected_at IS NULL
              ORDER BY created_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        BEGIN
            PERFORM tessera_meta.billing_settle(o.request_id, o.cost, o.model_served, o.tokens_in,
                                                o.tokens_out, o.tokens_cached, o.cache,
                                                'owed:' || o.actor);
            UPDATE public.credit_owed SET collected_at = now(), attempts = attempts + 1
             WHERE tenant_id = t AND request_id = o.request_id;
            n := n + 1;
        EXCEPTION WHEN OTHERS THEN
            UPDATE public.credit_owed SET attempts = attempts + 1, last_error = SQLERRM
             WHERE tenant_id = t AND request_id = o.request_id;
        END;
    END LOOP;
    RETURN n;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_collect_owed(integer)', 'tessera_ledger_owner', true);

-- As in V8, but an expired hold whose charge is owed is settled at that charge (collect first),
-- and one whose owed charge still cannot be settled stays held rather than being given back.
CREATE OR REPLACE FUNCTION tessera_meta.billing_reap(p_limit integer)
RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    req text;
    n integer := 0;
BEGIN
    PERFORM tessera_meta.billing_collect_owed(p_limit);
    FOR req IN SELECT r.request_id FROM public.credit_reservations r
                WHERE r.tenant_id = t AND r.status = 'OPEN' AND r.expires_at < now()
                  AND NOT EXISTS (SELECT 1 FROM public.credit_owed o
                                   WHERE o.tenant_id = t AND o.request_id = r.request_id)
                ORDER BY r.expires_at LIMIT p_limit FOR UPDATE OF r SKIP LOCKED LOOP
        IF tessera_meta.billing_release(req, 'reaper', 'reservation expired', true) = 'RELEASED' THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_reap(integer)', 'tessera_ledger_owner', true);

-- The reaper also visits tenants with owed charges.
CREATE OR REPLACE FUNCTION tessera_meta.billing_tenants_due(p_limit integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT tenant_id FROM (
        SELECT tenant_id FROM public.credit_reservations
         WHERE status = 'OPEN' AND expires_at < now()
        UNION
        SELECT tenant_id FROM public.budget_alerts WHERE delivered_at IS NULL
        UNION
        SELECT tenant_id FROM public.credit_owed WHERE collected_at IS NULL) due
    LIMIT p_limit
$$;
