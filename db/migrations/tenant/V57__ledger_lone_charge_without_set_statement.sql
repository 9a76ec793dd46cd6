-- A lone charge without the set statement's set-up (issue 14).
--
-- billing_lease_charge (V54, V55) writes a batch as one statement: unnest, two window passes, three
-- data-modifying CTEs and a join back to the callers. On 128 charges that is ~25 µs a charge; on
-- one charge it is ~0.25 ms of planning-free but still costly executor set-up (every node, the
-- CHECK expressions and column defaults of each modified table, each run), and one charge is what
-- a call pays whenever its tenant is not busy: every call at one connection, every call of the
-- ledger bench's eight tenants with one caller each, most calls of small tenants. pgbench on the
-- 2-core AMD host (PostgreSQL's time only, commits not waited for), median of five runs: one
-- charge 0.76 ms through the set statement, 0.52 ms charge by charge; at 8 charges the set
-- statement is as fast (0.77 against 0.85 ms) and at 32 twice as fast.
--
-- So a batch of at most 4 charges is written charge by charge: the same idempotency check, the
-- same running cap (what the lease has left plus the available credit) and split between lease and
-- available credit, the same events, lease and account updates and answers; LedgerLeaseIT writes
-- the same batch both ways and compares them. A batch the set statement would read differently
-- (a null request id, arrays of unequal length; the gateway sends neither) takes the set
-- statement. Larger batches are unchanged. CREATE OR REPLACE keeps the owner; the function is
-- sealed and given its plan setting again, as V55 did.
CREATE OR REPLACE FUNCTION tessera_meta.billing_lease_charge(
    p_tenant uuid, p_lease uuid, p_expires timestamptz, p_requests text[], p_costs bigint[],
    p_keys uuid[], p_tags text[], p_models text[], p_served text[], p_in integer[],
    p_out integer[], p_cached integer[], p_cache text[], p_actor text)
RETURNS TABLE (request_id text, outcome text, charged bigint, lease_left bigint,
               available bigint, budgets boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid;
    l public.credit_leases%ROWTYPE;
    avail bigint;
    has_budgets boolean;
    c record;
    n integer := cardinality(p_requests);
    lease_room bigint;
    cap bigint;
    upto bigint := 0;
    upto_charged bigint := 0;
    charge bigint;
    from_lease bigint;
    total_charge bigint := 0;
    total_from_lease bigint := 0;
    charges bigint[];
    left_over bigint;
BEGIN
    -- the round trip the gateway sends enters the tenant itself, as billing_apply(tenant, ...)
    -- does (V53): 'moved' and nothing written where the tenant no longer lives
    IF NOT tessera_meta.enter_tenant(p_tenant) THEN
        RETURN QUERY SELECT NULL::text, 'moved'::text, 0::bigint, 0::bigint, NULL::bigint,
                            NULL::boolean;
        RETURN;
    END IF;
    t := tessera_meta.billing_tenant();
    SELECT * INTO l FROM public.credit_leases WHERE tenant_id = t AND id = p_lease FOR UPDATE;
    IF NOT FOUND OR l.status <> 'OPEN' THEN
        RETURN QUERY SELECT r, 'LEASE_CLOSED'::text, 0::bigint, 0::bigint, NULL::bigint, NULL::boolean
                       FROM unnest(p_requests) r;
        RETURN;
    END IF;
    SELECT a.balance - a.reserved INTO avail FROM public.credit_accounts a
     WHERE a.tenant_id = t FOR UPDATE;
    has_budgets := EXISTS (SELECT 1 FROM public.budgets WHERE tenant_id = t);
    IF n <= 4 AND array_position(p_requests, NULL) IS NULL
       AND cardinality(p_costs) = n AND cardinality(p_keys) = n AND cardinality(p_tags) = n
       AND cardinality(p_models) = n AND cardinality(p_served) = n AND cardinality(p_in) = n
       AND cardinality(p_out) = n AND cardinality(p_cached) = n AND cardinality(p_cache) = n THEN
        -- a small batch (a lone call, a tenant that is not busy) charge by charge: the statement
        -- below costs ~0.25 ms more to set up than it saves on a few rows. The same charges, the
        -- same caps and the same answers (LedgerLeaseIT writes one batch both ways and compares)
        lease_room := l.granted - l.spent;
        cap := lease_room + avail;
        charges := array_fill(NULL::bigint, ARRAY[n]);
        FOR i IN 1 .. n LOOP
            CONTINUE WHEN p_requests[i] = ANY (p_requests[1:i - 1]); -- its first time charges it
            -- the type in a FILTER, as in the set statement: the lookup uses the request index
            CONTINUE WHEN (SELECT count(*) FILTER (WHERE e.type = 'SETTLE')
                             FROM public.credit_events e
                            WHERE e.tenant_id = t AND e.request_id = p_requests[i]) > 0;
            upto := upto + GREATEST(p_costs[i], 0);
            charge := LEAST(upto, cap) - LEAST(upto - GREATEST(p_costs[i], 0), cap);
            upto_charged := LEAST(upto, cap);
            from_lease := LEAST(upto_charged, lease_room)
                          - LEAST(upto_charged - charge, lease_room);
            INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta,
                                              hold_delta, request_id, api_key_id, tag,
                                              model_requested, model_served, tokens_in,
                                              tokens_out, tokens_cached, cache, actor, reason)
            VALUES (t, tessera_meta.time_uuid(), 'SETTLE', charge, -charge, -from_lease,
                    p_requests[i], p_keys[i], p_tags[i], p_models[i], p_served[i], p_in[i],
                    p_out[i], p_cached[i], p_cache[i], p_actor,
                    CASE WHEN charge < p_costs[i] THEN 'capped at the credits available' END);
            charges[i] := charge;
            total_charge := total_charge + charge;
            total_from_lease := total_from_lease + from_lease;
        END LOOP;
        UPDATE public.credit_leases cl
           SET spent = cl.spent + total_from_lease, expires_at = GREATEST(cl.expires_at, p_expires)
         WHERE cl.tenant_id = t AND cl.id = p_lease
        RETURNING cl.granted - cl.spent INTO left_over;
        IF total_charge > 0 THEN
            UPDATE public.credit_accounts a
               SET balance = a.balance - total_charge, reserved = a.reserved - total_from_lease,
                   updated_at = now()
             WHERE a.tenant_id = t;
        END IF;
        RETURN QUERY
        SELECT p_requests[i],
               CASE WHEN charges[i] IS NOT NULL THEN 'SETTLED' ELSE 'ALREADY_SETTLED' END,
               coalesce(charges[i],
                        (SELECT max(e.amount) FILTER (WHERE e.type = 'SETTLE')
                           FROM public.credit_events e
                          WHERE e.tenant_id = t AND e.request_id = p_requests[i]), 0)::bigint,
               left_over, avail - (total_charge - total_from_lease), has_budgets
          FROM generate_series(1, n) AS i
         ORDER BY i;
    ELSE
        -- charge i = its cost, capped so that the batch never takes more than the lease has left plus
        -- the available credit; the part within what the lease has left comes out of the lease. One
        -- statement: the events, the lease and the account row (data-modifying CTEs all run, and the
        -- statement's own snapshot does not see the events it writes, so "prior" finds only earlier
        -- charges of a request)
        RETURN QUERY
        WITH ops AS (
            SELECT o.*, row_number() OVER (PARTITION BY o.req ORDER BY o.ord) AS nth
              FROM unnest(p_requests, p_costs, p_keys, p_tags, p_models, p_served, p_in, p_out,
                          p_cached, p_cache) WITH ORDINALITY
                   AS o(req, cost, key, tag, model, served, tin, tout, tcached, cache, ord)
        ), fresh AS (
            SELECT ops.*, sum(GREATEST(ops.cost, 0)) OVER (ORDER BY ops.ord) AS upto
              FROM ops
             WHERE ops.nth = 1
               -- the type in a FILTER, not the WHERE: the lookup then matches only the request index
               -- (a WHERE type = 'SETTLE' lets the planner pick the usage index, which is partial on
               -- it, and walk every charge of the tenant whenever its statistics lag behind)
               AND (SELECT count(*) FILTER (WHERE e.type = 'SETTLE') FROM public.credit_events e
                     WHERE e.tenant_id = t AND e.request_id = ops.req) = 0
        ), capped AS (
            SELECT f.*, LEAST(f.upto, l.granted - l.spent + avail) AS upto_charged,
                   LEAST(f.upto, l.granted - l.spent + avail)
                     - LEAST(f.upto - GREATEST(f.cost, 0), l.granted - l.spent + avail) AS charge
              FROM fresh f
        ), split AS (
            SELECT c.*,
                   LEAST(c.upto_charged, l.granted - l.spent)
                     - LEAST(c.upto_charged - c.charge, l.granted - l.spent) AS from_lease
              FROM capped c
        ), written AS (
            INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                              request_id, api_key_id, tag, model_requested,
                                              model_served, tokens_in, tokens_out, tokens_cached,
                                              cache, actor, reason)
            SELECT t, tessera_meta.time_uuid(), 'SETTLE', s.charge, -s.charge, -s.from_lease, s.req, s.key,
                   s.tag, s.model, s.served, s.tin, s.tout, s.tcached, s.cache, p_actor,
                   CASE WHEN s.charge < s.cost THEN 'capped at the credits available' END
              FROM split s
            RETURNING 1
        ), totals AS (
            SELECT coalesce(sum(s.from_lease), 0)::bigint AS from_lease,
                   coalesce(sum(s.charge), 0)::bigint AS charge
              FROM split s
        ), lease_after AS (
            UPDATE public.credit_leases cl
               SET spent = cl.spent + tt.from_lease, expires_at = GREATEST(cl.expires_at, p_expires)
              FROM totals tt
             WHERE cl.tenant_id = t AND cl.id = p_lease
            RETURNING cl.granted - cl.spent AS left_over
        ), account_after AS (
            UPDATE public.credit_accounts a
               SET balance = a.balance - tt.charge, reserved = a.reserved - tt.from_lease,
                   updated_at = now()
              FROM totals tt
             WHERE a.tenant_id = t AND tt.charge > 0
            RETURNING 1
        )
        SELECT o.req,
               CASE WHEN s.ord = o.ord THEN 'SETTLED' ELSE 'ALREADY_SETTLED' END,
               coalesce(s.charge, prior.amount, 0)::bigint,
               (SELECT la.left_over FROM lease_after la),
               avail - (tt.charge - tt.from_lease),
               has_budgets
          FROM ops o
          CROSS JOIN totals tt
          LEFT JOIN split s ON s.req = o.req
          LEFT JOIN LATERAL (SELECT max(ev.amount) FILTER (WHERE ev.type = 'SETTLE') AS amount
                               FROM public.credit_events ev
                              WHERE s.req IS NULL AND ev.tenant_id = t AND ev.request_id = o.req
                            ) prior ON true
         ORDER BY o.ord;
    END IF;
    IF has_budgets THEN
        -- a budget created after the lease was taken: its windows count these charges
        FOR c IN SELECT e.api_key_id AS key, e.tag, e.amount FROM public.credit_events e
                  WHERE e.tenant_id = t AND e.type = 'SETTLE' AND e.request_id = ANY (p_requests)
                    AND e.created_at >= statement_timestamp() LOOP
            PERFORM tessera_meta.billing_budgets(c.key, c.tag, now(), 0, 0, c.amount);
        END LOOP;
    END IF;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_lease_charge(uuid, uuid, timestamptz, text[], bigint[], uuid[], text[], text[], text[], integer[], integer[], integer[], text[], text)', 'tessera_ledger_owner', true);
ALTER FUNCTION tessera_meta.billing_lease_charge(uuid, uuid, timestamptz, text[], bigint[], uuid[],
    text[], text[], text[], integer[], integer[], integer[], text[], text)
    SET plan_cache_mode = force_generic_plan;
