-- Issue 14: a ledger batch written as a set. billing_apply (V50) called one sealed writer per
-- operation, each in a subtransaction, so a batch of 48 cost 48 times a lone operation in
-- PostgreSQL's CPU (~0.3 ms a hold, ~0.45 ms a settle on the 2-core AMD host, nearly all of it
-- statement start-up inside the writers): group commit shared the fsync, not the work, and the
-- database's CPU capped the ledger at ~1,100 settled calls/s.
--
-- billing_apply_set writes the common batch (every hold fits in the credits available, every
-- settle and release closes an open hold, the tenant has no budgets) with one statement per table
-- for the whole batch: the closed holds in one UPDATE, the new ones in one INSERT, every event in
-- one INSERT, and the account row once. The events and the rows it writes are exactly those the
-- writers would write, so reconciliation, usage reports and the event rule see no difference.
--
-- It is exact or it writes nothing. The checks that would refuse an operation alone (a hold the
-- credits do not cover, a settle of an unknown or closed hold, usage beyond the hold, a budget,
-- the same request twice in one batch) make it decline, and billing_apply then writes the batch
-- operation by operation as before, with each refusal its own. Declining after writing (a hold
-- closed by the reaper meanwhile, credits taken by another instance) raises TS409 inside
-- billing_apply's subtransaction, which rolls back everything it wrote.
--
-- The order it applies a batch in: every settle and release first, then the holds in the batch's
-- order. Every operation of a batch arrived while the one before committed, so they were
-- concurrent, and any order is one the callers could have seen; this one never refuses a hold
-- that the batch's order would have granted.
CREATE FUNCTION tessera_meta.billing_apply_set(
    p_kinds text[], p_requests text[], p_amounts bigint[], p_keys uuid[], p_tags text[],
    p_models text[], p_expires timestamptz[], p_actors text[], p_in integer[], p_out integer[],
    p_cached integer[], p_cache text[], p_reasons text[])
RETURNS TABLE (outcome text, amount bigint, available bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    n integer := coalesce(array_length(p_kinds, 1), 0);
    n_open integer;
    n_close integer;
    n_distinct integer;
    well_formed boolean;
    got_open integer;
    got_close integer;
    closed_holds bigint;
    charges bigint;
    new_holds bigint;
    avail bigint;
BEGIN
    IF t IS NULL OR n = 0 THEN
        RETURN;
    END IF;
    -- budgets move their own windows per operation: the per-operation path does that
    IF EXISTS (SELECT 1 FROM public.budgets WHERE tenant_id = t) THEN
        RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE k = 'reserve'),
           count(*) FILTER (WHERE k IN ('settle', 'release')),
           count(DISTINCT r),
           coalesce(sum(a) FILTER (WHERE k = 'reserve'), 0),
           bool_and(r IS NOT NULL AND x IS NOT NULL AND CASE k
               WHEN 'reserve' THEN a IS NOT NULL AND a >= 0 AND e IS NOT NULL
               WHEN 'settle'  THEN a IS NOT NULL
               WHEN 'release' THEN true
               ELSE false END)
      INTO n_open, n_close, n_distinct, new_holds, well_formed
      FROM unnest(p_kinds, p_requests, p_amounts, p_expires, p_actors) AS u(k, r, a, e, x);
    IF n_distinct <> n OR NOT well_formed THEN
        RETURN;
    END IF;

    WITH u AS (
        SELECT * FROM unnest(p_kinds, p_requests, p_amounts, p_keys, p_tags, p_models, p_expires,
                             p_actors, p_in, p_out, p_cached, p_cache, p_reasons)
               WITH ORDINALITY AS u(kind, req, amt, key, tag, model, expires, actor, tin, tout,
                                    tcached, cache, reason, ord)
    ), closed AS (
        UPDATE public.credit_reservations r
           SET status = CASE u.kind WHEN 'settle' THEN 'SETTLED' ELSE 'RELEASED' END,
               charged = CASE u.kind WHEN 'settle' THEN GREATEST(u.amt, 0) ELSE 0 END,
               closed_at = now(), closed_by = u.actor
          FROM u
         WHERE r.tenant_id = t AND r.request_id = u.req AND u.kind IN ('settle', 'release')
           AND r.status = 'OPEN' AND (u.kind = 'release' OR GREATEST(u.amt, 0) <= r.amount)
        RETURNING u.ord, u.kind, u.req, r.amount AS held, r.charged AS charge, r.api_key_id,
                  r.tag, r.model_requested, u.model AS served, u.tin, u.tout, u.tcached, u.cache,
                  u.actor, u.reason
    ), opened AS (
        INSERT INTO public.credit_reservations (tenant_id, request_id, amount, status, api_key_id,
                                                tag, model_requested, expires_at)
        SELECT t, u.req, u.amt, 'OPEN', u.key, u.tag, u.model, u.expires
          FROM u WHERE u.kind = 'reserve' ORDER BY u.ord
        ON CONFLICT DO NOTHING
        RETURNING request_id
    ), events AS (
        INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                          request_id, api_key_id, tag, model_requested,
                                          model_served, tokens_in, tokens_out, tokens_cached,
                                          cache, actor, reason)
        SELECT t, gen_random_uuid(), e.type, e.amount, e.balance_delta, e.hold_delta, e.req,
               e.api_key_id, e.tag, e.model_requested, e.served, e.tin, e.tout, e.tcached,
               e.cache, e.actor, e.reason
          FROM (
            -- as billing_settle writes them: the charge, then the unused part of the hold
            SELECT c.ord, 1 AS step, 'SETTLE' AS type, c.charge AS amount,
                   -c.charge AS balance_delta, -LEAST(c.charge, c.held) AS hold_delta, c.req,
                   c.api_key_id, c.tag, c.model_requested, c.served, c.tin, c.tout, c.tcached,
                   c.cache, c.actor, NULL::text AS reason
              FROM closed c WHERE c.kind = 'settle'
            UNION ALL
            SELECT c.ord, 2, 'RELEASE', c.held - c.charge, 0, -(c.held - c.charge), c.req,
                   c.api_key_id, c.tag, NULL, NULL, NULL, NULL, NULL, NULL, c.actor,
                   'unused part of the hold'
              FROM closed c WHERE c.kind = 'settle' AND c.held > c.charge
            UNION ALL
            -- as billing_release writes it
            SELECT c.ord, 1, 'RELEASE', c.held, 0, -c.held, c.req, c.api_key_id, c.tag,
                   c.model_requested, NULL, NULL, NULL, NULL, NULL, c.actor, c.reason
              FROM closed c WHERE c.kind = 'release'
            UNION ALL
            -- as billing_reserve writes it
            SELECT u.ord, 1, 'RESERVE', u.amt, 0, u.amt, u.req, u.key, u.tag, u.model, NULL,
                   NULL, NULL, NULL, NULL, u.actor, NULL
              FROM u JOIN opened o ON o.request_id = u.req WHERE u.kind = 'reserve'
          ) e
         ORDER BY e.ord, e.step
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM closed), (SELECT count(*) FROM opened),
           (SELECT coalesce(sum(held), 0) FROM closed), (SELECT coalesce(sum(charge), 0) FROM closed)
      INTO got_close, got_open, closed_holds, charges
      FROM (SELECT count(*) FROM events) written;
    IF got_close <> n_close OR got_open <> n_open THEN
        RAISE EXCEPTION 'the batch needs the per-operation path' USING ERRCODE = 'TS409';
    END IF;
    UPDATE public.credit_accounts
       SET balance = balance - charges, reserved = reserved - closed_holds + new_holds,
           updated_at = now()
     WHERE tenant_id = t AND balance - charges - (reserved - closed_holds + new_holds) >= 0
    RETURNING balance - reserved INTO avail;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the batch needs the per-operation path' USING ERRCODE = 'TS409';
    END IF;
    -- each hold answers what was available just after it, in the order above
    RETURN QUERY
        SELECT CASE u.kind WHEN 'reserve' THEN 'RESERVED' WHEN 'settle' THEN 'SETTLED'
                           ELSE 'RELEASED' END,
               CASE u.kind WHEN 'reserve' THEN u.amt WHEN 'settle' THEN GREATEST(u.amt, 0)
                           ELSE 0::bigint END,
               CASE u.kind WHEN 'reserve'
                    THEN avail + new_holds
                         - sum(CASE WHEN u.kind = 'reserve' THEN u.amt ELSE 0 END)
                               OVER (ORDER BY u.ord)::bigint
                    ELSE 0::bigint END
          FROM unnest(p_kinds, p_amounts) WITH ORDINALITY AS u(kind, amt, ord)
         ORDER BY u.ord;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_apply_set(text[], text[], bigint[], uuid[], text[], text[], timestamptz[], text[], integer[], integer[], integer[], text[], text[])', 'tessera_ledger_owner', true);

-- As in V50, trying the set first: a batch it declines (or a failure of its statements, which
-- rolls back to before it) is written operation by operation, each refused alone.
CREATE OR REPLACE FUNCTION tessera_meta.billing_apply(
    p_kinds text[], p_requests text[], p_amounts bigint[], p_keys uuid[], p_tags text[],
    p_models text[], p_expires timestamptz[], p_actors text[], p_in integer[], p_out integer[],
    p_cached integer[], p_cache text[], p_reasons text[])
RETURNS TABLE (outcome text, amount bigint, available bigint,
               err_state text, err_message text, err_detail text)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    i integer;
BEGIN
    BEGIN
        RETURN QUERY
            SELECT s.outcome, s.amount, s.available, NULL::text, NULL::text, NULL::text
              FROM tessera_meta.billing_apply_set(p_kinds, p_requests, p_amounts, p_keys, p_tags,
                                                  p_models, p_expires, p_actors, p_in, p_out,
                                                  p_cached, p_cache, p_reasons) s;
        IF FOUND THEN
            RETURN;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        NULL; -- rolled back to before the set: the per-operation path below decides each one
    END;
    FOR i IN 1 .. coalesce(array_length(p_kinds, 1), 0) LOOP
        outcome := NULL; amount := NULL; available := NULL;
        err_state := NULL; err_message := NULL; err_detail := NULL;
        BEGIN
            CASE p_kinds[i]
                WHEN 'reserve' THEN
                    SELECT r.outcome, r.held, r.available INTO outcome, amount, available
                      FROM tessera_meta.billing_reserve(p_requests[i], p_amounts[i], p_keys[i],
                                                        p_tags[i], p_models[i], p_expires[i],
                                                        p_actors[i]) r;
                WHEN 'settle' THEN
                    SELECT s.outcome, s.charged INTO outcome, amount
                      FROM tessera_meta.billing_settle(p_requests[i], p_amounts[i], p_models[i],
                                                       p_in[i], p_out[i], p_cached[i], p_cache[i],
                                                       p_actors[i]) s;
                WHEN 'release' THEN
                    outcome := tessera_meta.billing_release(p_requests[i], p_actors[i],
                                                            p_reasons[i], false);
                ELSE
                    RAISE EXCEPTION 'unknown ledger operation %', p_kinds[i] USING ERRCODE = '22023';
            END CASE;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                    err_detail = PG_EXCEPTION_DETAIL;
        END;
        RETURN NEXT;
    END LOOP;
END $$;
