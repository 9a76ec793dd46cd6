-- Credit leases (issue 14): a priced call admitted in memory against credit its instance leased
-- from the tenant's balance in a block, and one durable write per call, its charge.
--
-- A lease is a hold like any other: taking it moves credit from available to reserved on the
-- account row, under the same CHECK (balance - reserved >= 0), with a RESERVE event whose request
-- id is 'lease:<id>'. The instance then admits calls against it in memory (each call's worst case
-- out of what the lease has left) and writes nothing before the provider is called; a call that
-- fails gives its worst case back in memory. A served call's charge is a SETTLE event that spends
-- that much of the lease (balance and reserved both go down by it, available is unchanged); the
-- charges of one lease that arrive while its previous batch commits are written together, one
-- statement and one COMMIT. Closing the lease (idle, superseded, the instance stopping, or the
-- reaper once it expired) gives back what is left with a RELEASE event. Every event obeys the
-- event rule of V11/V51 unchanged, so reconciliation and the invariants hold as they are:
-- sum(balance_delta) = balance, sum(hold_delta) = reserved = open holds + what open leases have left.
--
-- Who may lease: a tenant without budgets (a budget's window is decided per call: those tenants
-- keep per-call holds) whose available credit is at least what the instance asks for as a
-- minimum; a lease takes at most an eighth of what is available, so most of a tenant's credit is
-- never idle in one instance's lease.

CREATE TABLE public.credit_leases (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    holder      text        NOT NULL,
    granted     bigint      NOT NULL CHECK (granted > 0),
    spent       bigint      NOT NULL DEFAULT 0,
    status      text        NOT NULL CHECK (status IN ('OPEN','CLOSED')),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz,
    closed_by   text,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT credit_leases_spent_within_grant CHECK (spent >= 0 AND spent <= granted)
);
CREATE INDEX credit_leases_open_idx ON public.credit_leases (tenant_id, expires_at)
    WHERE status = 'OPEN';
SELECT tessera_meta.make_tenant_owned('public.credit_leases');
REVOKE INSERT, UPDATE, DELETE ON public.credit_leases FROM tessera_app;
GRANT SELECT, INSERT, UPDATE ON public.credit_leases TO tessera_ledger_owner;

-- Takes a lease of at most p_want and at most an eighth of the available credit, if the tenant
-- has no budgets, at least p_min_available available, and that comes to at least p_least.
-- 'GRANTED' with the amount, or 'BUDGETS' / 'LOW' and nothing written (the caller keeps per-call
-- holds).
CREATE FUNCTION tessera_meta.billing_lease_take(p_lease uuid, p_want bigint, p_least bigint,
                                                p_min_available bigint, p_expires timestamptz,
                                                p_holder text)
RETURNS TABLE (outcome text, granted bigint, available bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    avail bigint;
    g bigint;
BEGIN
    IF t IS NULL THEN
        RAISE EXCEPTION 'no tenant pinned' USING ERRCODE = '42501';
    END IF;
    IF p_want <= 0 OR p_least <= 0 OR p_min_available < 0 THEN
        RAISE EXCEPTION 'invalid lease % % %', p_want, p_least, p_min_available
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM public.budgets WHERE tenant_id = t) THEN
        RETURN QUERY SELECT 'BUDGETS'::text, 0::bigint, NULL::bigint;
        RETURN;
    END IF;
    INSERT INTO public.credit_accounts (tenant_id) VALUES (t) ON CONFLICT DO NOTHING;
    SELECT a.balance - a.reserved INTO avail FROM public.credit_accounts a
     WHERE a.tenant_id = t FOR UPDATE;
    g := LEAST(p_want, avail / 8);
    IF avail < p_min_available OR g < p_least THEN
        RETURN QUERY SELECT 'LOW'::text, 0::bigint, avail;
        RETURN;
    END IF;
    UPDATE public.credit_accounts SET reserved = reserved + g, updated_at = now()
     WHERE tenant_id = t;
    INSERT INTO public.credit_leases (tenant_id, id, holder, granted, status, expires_at)
        VALUES (t, p_lease, p_holder, g, 'OPEN', p_expires);
    INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                      request_id, actor, reason)
        VALUES (t, gen_random_uuid(), 'RESERVE', g, 0, g, 'lease:' || p_lease, p_holder,
                'credit leased to an instance');
    RETURN QUERY SELECT 'GRANTED'::text, g, avail - g;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_lease_take(uuid, bigint, bigint, bigint, timestamptz, text)', 'tessera_ledger_owner', true);

-- Gives back what an open lease has left (a RELEASE event) and closes it; answers how much it
-- gave back, or -1 when the lease was not open (closed before, or unknown): idempotent.
CREATE FUNCTION tessera_meta.billing_lease_close(p_lease uuid, p_actor text, p_reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    l public.credit_leases%ROWTYPE;
    left_over bigint;
BEGIN
    SELECT * INTO l FROM public.credit_leases WHERE tenant_id = t AND id = p_lease FOR UPDATE;
    IF NOT FOUND OR l.status <> 'OPEN' THEN
        RETURN -1;
    END IF;
    left_over := l.granted - l.spent;
    UPDATE public.credit_leases SET status = 'CLOSED', closed_at = now(), closed_by = p_actor
     WHERE tenant_id = t AND id = p_lease;
    IF left_over > 0 THEN
        UPDATE public.credit_accounts SET reserved = reserved - left_over, updated_at = now()
         WHERE tenant_id = t;
        INSERT INTO public.credit_events (tenant_id, id, type, amount, balance_delta, hold_delta,
                                          request_id, actor, reason)
            VALUES (t, gen_random_uuid(), 'RELEASE', left_over, 0, -left_over,
                    'lease:' || p_lease, p_actor, p_reason);
    END IF;
    RETURN left_over;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_lease_close(uuid, text, text)', 'tessera_ledger_owner', true);

-- Charges a batch of served calls admitted on one lease: one SETTLE event each, all in one
-- statement, in one round trip: it enters the tenant itself first. The COMMIT stays the caller's
-- own message, so a killed instance's batch never commits. Idempotent on the request id (a request that already has a SETTLE event is answered
-- 'ALREADY_SETTLED' with what it was charged, and charged nothing more; the same request twice in
-- a batch counts once). A charge beyond what the lease has left (usage beyond the worst case the
-- call was admitted with) takes the rest from the available credit, and is capped at it, as a
-- per-call settle does. Each active charge pushes the lease's expiry to p_expires.
--
-- 'LEASE_CLOSED' for every call when the lease is not open (the reaper closed it after it
-- expired): nothing written, the caller charges those calls one by one from the available credit.
-- budgets: whether the tenant has budgets now (created after the lease was taken): their windows
-- get these charges, and the caller stops admitting calls on the lease.
CREATE FUNCTION tessera_meta.billing_lease_charge(
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
        SELECT t, gen_random_uuid(), 'SETTLE', s.charge, -s.charge, -s.from_lease, s.req, s.key,
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
-- Its main statement is planned once per connection, not per call: a custom plan (PL/pgSQL's
-- choice for a statement with parameters) cost ~1 ms of planning per charge, twice the statement
-- itself (pgbench on the AMD host: 1.6 ms a call against 0.8 ms). The plan is safe generic: every
-- lookup is by key (the request index, the lease's and the account's primary keys).
ALTER FUNCTION tessera_meta.billing_lease_charge(uuid, uuid, timestamptz, text[], bigint[], uuid[],
    text[], text[], text[], integer[], integer[], integer[], text[], text)
    SET plan_cache_mode = force_generic_plan;
-- entering the tenant: as the application may (read-only on the residency marker)
GRANT EXECUTE ON FUNCTION tessera_meta.enter_tenant(uuid), tessera_meta.tenant_lock_key(uuid)
    TO tessera_ledger_owner;
GRANT SELECT ON public.tenant_residency TO tessera_ledger_owner;

-- As in V12, and the leases of instances that died: closed once they expired, what they had
-- left given back (counted with the released holds).
CREATE OR REPLACE FUNCTION tessera_meta.billing_reap(p_limit integer)
RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    req text;
    lease uuid;
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
    FOR lease IN SELECT l.id FROM public.credit_leases l
                  WHERE l.tenant_id = t AND l.status = 'OPEN' AND l.expires_at < now()
                  ORDER BY l.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        IF tessera_meta.billing_lease_close(lease, 'reaper', 'lease expired') >= 0 THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_reap(integer)', 'tessera_ledger_owner', true);

-- The reaper also visits tenants with expired leases (its scan runs as the owner, which sees
-- every tenant's rows only through this policy, as for credit_reservations in V8).
CREATE POLICY billing_scan ON public.credit_leases FOR SELECT TO tessera_owner USING (true);
CREATE OR REPLACE FUNCTION tessera_meta.billing_tenants_due(p_limit integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT tenant_id FROM (
        SELECT tenant_id FROM public.credit_reservations
         WHERE status = 'OPEN' AND expires_at < now()
        UNION
        SELECT tenant_id FROM public.credit_leases
         WHERE status = 'OPEN' AND expires_at < now()
        UNION
        SELECT tenant_id FROM public.budget_alerts WHERE delivered_at IS NULL
        UNION
        SELECT tenant_id FROM public.credit_owed WHERE collected_at IS NULL) due
    LIMIT p_limit
$$;

-- As in V11, with what open leases have left counted among the open holds.
CREATE OR REPLACE FUNCTION tessera_meta.billing_reconcile()
RETURNS TABLE (projected_balance bigint, projected_reserved bigint,
               event_balance bigint, event_reserved bigint, open_holds bigint, repaired boolean,
               invalid_events bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    t uuid := tessera_meta.billing_tenant();
    pb bigint; pr bigint; eb bigint; er bigint; oh bigint; bad bigint;
BEGIN
    INSERT INTO public.credit_accounts (tenant_id) VALUES (t) ON CONFLICT DO NOTHING;
    SELECT a.balance, a.reserved INTO pb, pr FROM public.credit_accounts a
     WHERE a.tenant_id = t FOR UPDATE;
    SELECT coalesce(sum(balance_delta) FILTER (WHERE ok), 0),
           coalesce(sum(hold_delta) FILTER (WHERE ok), 0),
           count(*) FILTER (WHERE NOT ok)
      INTO eb, er, bad
      FROM (SELECT balance_delta, hold_delta,
                   tessera_meta.ledger_event_is_consistent(type, amount, balance_delta, hold_delta) AS ok
              FROM public.credit_events WHERE tenant_id = t) e;
    SELECT coalesce(sum(amount), 0)
           + coalesce((SELECT sum(l.granted - l.spent) FROM public.credit_leases l
                        WHERE l.tenant_id = t AND l.status = 'OPEN'), 0)
      INTO oh FROM public.credit_reservations
     WHERE tenant_id = t AND status = 'OPEN';
    IF pb <> eb OR pr <> er THEN
        UPDATE public.credit_accounts SET balance = eb, reserved = er, updated_at = now()
         WHERE tenant_id = t;
        INSERT INTO public.billing_reconciliations (tenant_id, id, projected_balance,
                                                    projected_reserved, event_balance,
                                                    event_reserved, actor)
            VALUES (t, gen_random_uuid(), pb, pr, eb, er, 'reconciliation');
        RETURN QUERY SELECT pb, pr, eb, er, oh, true, bad;
    ELSE
        RETURN QUERY SELECT pb, pr, eb, er, oh, false, bad;
    END IF;
END $$;
SELECT tessera_meta.seal_writer('tessera_meta.billing_reconcile()', 'tessera_ledger_owner', true);
