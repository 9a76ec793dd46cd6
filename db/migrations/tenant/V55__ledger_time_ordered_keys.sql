-- Time-ordered keys for the ledger's hot path (issue 14).
--
-- A lease charge inserts one credit_events row per call, and each insert goes into the primary key
-- (tenant_id, id) and the request index (tenant_id, request_id). With random keys (id from
-- gen_random_uuid(), request ids from random UUIDs) every insert lands on a random leaf page of
-- indexes that soon outgrow shared_buffers: on the ledger bench's database (1.9 million events,
-- indexes 570 MB, shared_buffers 128 MB) about one buffer miss per two charges, read back from the
-- page cache and written out again, and a full-page image in the WAL for most pages touched after a
-- checkpoint. With time-ordered keys both indexes grow at their right edge: pgbench, a batch of 128
-- charges, 7.3-8.1 ms with random keys, 4.5 ms with both keys time-ordered (2-core Xeon).
--
-- The request ids become time-ordered in the application (RequestIds: req_ and a UUIDv7's 32 hex
-- digits, the same shape as before). Event ids of lease charges come from time_uuid() below.
-- The per-call writers of V8-V53 keep gen_random_uuid(): they are not the hot path any more, and
-- restating them would only copy them again.

-- A UUID of version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits.
-- PostgreSQL 17 has no uuidv7() (18 has); this is the same layout from gen_random_uuid()'s bytes.
CREATE FUNCTION tessera_meta.time_uuid() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
               substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
               FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
REVOKE ALL ON FUNCTION tessera_meta.time_uuid() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.time_uuid() TO tessera_ledger_owner;

-- As in V54, with the event ids from time_uuid(). CREATE OR REPLACE keeps the owner but drops the
-- settings, so the function is sealed and given its plan setting again.
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

-- The lease row is updated by every charge batch (spent, expires_at). V54 indexed expires_at, so
-- each of those updates wrote new index entries (no HOT update): after 60,000 batches the lease
-- index held 1 MB for 8 live rows. The reaper's scans need only the open leases of a tenant, which
-- are few; expires_at is filtered, not indexed, and the table keeps room on its pages so that the
-- updates stay on the page (HOT).
DROP INDEX public.credit_leases_open_idx;
CREATE INDEX credit_leases_open_idx ON public.credit_leases (tenant_id) WHERE status = 'OPEN';
ALTER TABLE public.credit_leases SET (fillfactor = 50);
