-- Issue 8, item 8: two refunds of one request can no longer together exceed what it was charged
-- (they take turns on a per-request lock), and usage beyond a request's hold is capped by the
-- HARD budgets it counts against as well as by the credits available. Bodies as in V8 otherwise.

CREATE OR REPLACE FUNCTION tessera_meta.billing_settle(p_request text, p_cost bigint, p_served text,
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
    room numeric;
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
        -- usage beyond the worst case (a provider ignoring max_tokens): take what is available,
        -- and no more than the room left under every HARD budget the request counts against
        SELECT * INTO acct FROM public.credit_accounts WHERE tenant_id = t FOR UPDATE;
        SELECT min(b.limit_amount::numeric - coalesce(w.spent, 0) - coalesce(w.reserved, 0))
          INTO room
          FROM public.budgets b
          LEFT JOIN public.budget_windows w
            ON w.tenant_id = t AND w.budget_id = b.id
           AND w.window_start = tessera_meta.billing_window_start(b.period, r.created_at)
         WHERE b.tenant_id = t AND b.enforcement = 'HARD'
           AND (b.scope = 'TENANT'
                OR (b.scope = 'KEY' AND r.api_key_id IS NOT NULL AND b.scope_value = r.api_key_id::text)
                OR (b.scope = 'TAG' AND r.tag IS NOT NULL AND b.scope_value = r.tag));
        charge := r.amount + LEAST(charge - r.amount,
                                   GREATEST(coalesce(acct.balance - acct.reserved, 0), 0),
                                   GREATEST(coalesce(room, charge - r.amount), 0)::bigint);
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
                CASE WHEN charge < p_cost THEN 'capped at the credits or hard budget available' END);
    IF r.amount > from_hold THEN
        INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                          request_id, api_key_id, tag, actor, reason)
            VALUES (t, gen_random_uuid(), 'RELEASE', r.amount - from_hold, 0, -(r.amount - from_hold),
                    p_request, r.api_key_id, r.tag, p_actor, 'unused part of the hold');
    END IF;
    PERFORM tessera_meta.billing_budgets(r.api_key_id, r.tag, r.created_at, 0, r.amount, charge);
    RETURN QUERY SELECT 'SETTLED'::text, charge;
END $$;

SELECT tessera_meta.seal_writer('tessera_meta.billing_settle(text, bigint, text, integer, integer, integer, text, text)', 'tessera_ledger_owner', true);

CREATE OR REPLACE FUNCTION tessera_meta.billing_movement(p_type text, p_amount bigint, p_key text,
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
    IF p_type = 'REFUND' AND p_request IS NOT NULL THEN
        -- refunds of one request take turns: each sees what the ones before it refunded
        PERFORM pg_advisory_xact_lock(hashtextextended('refund:' || t::text || ':' || p_request, 0));
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

SELECT tessera_meta.seal_writer('tessera_meta.billing_movement(text, bigint, text, text, text, text)', 'tessera_ledger_owner', true);
