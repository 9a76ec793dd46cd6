-- Only the ledger's own functions may write the ledger (issue 8, items 2 and 3).
--
-- The pattern, reusable for any table whose truth the application must not be able to forge
-- (the governance audit log follows it with a role of its own):
--   1. a NOLOGIN role owns the writing functions (here tessera_ledger_owner, created by the
--      platform at start next to tessera_owner and tessera_app, granted to tessera_owner so
--      migrations can hand functions to it; tessera_app is a member of neither);
--   2. that role gets exactly the table rights the functions need; tessera_app keeps SELECT and
--      loses INSERT, UPDATE, DELETE;
--   3. every writing function is SECURITY DEFINER with search_path = pg_catalog, public, pg_temp
--      (pg_temp last, as PostgreSQL's CREATE FUNCTION documentation asks, so an object in the
--      caller's temporary schema can never shadow a real one), EXECUTE revoked from PUBLIC and
--      granted to tessera_app only where the application may call it:
--      SELECT tessera_meta.seal_writer('schema.fn(argtypes)', 'tessera_ledger_owner', true);
--      CREATE OR REPLACE FUNCTION resets SECURITY DEFINER and the search_path: call seal_writer
--      again after every redefinition (IsolationIT checks every definer function's search_path).
--   4. RLS stays forced: the functions run as the writer role, still pinned to the tenant of the
--      transaction, so they can write only the tenant the caller entered.

CREATE FUNCTION tessera_meta.seal_writer(fn regprocedure, writer name, callable_by_app boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp', fn);
    -- changing an owner needs the new owner to be allowed to create in the schema; only for now
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA tessera_meta TO %I', writer);
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, writer);
    EXECUTE format('REVOKE CREATE ON SCHEMA tessera_meta FROM %I', writer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    IF callable_by_app THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO tessera_app', fn);
    ELSE
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM tessera_app', fn);
    END IF;
END $$;
REVOKE ALL ON FUNCTION tessera_meta.seal_writer(regprocedure, name, boolean) FROM PUBLIC;

-- Tables of the ledger: the application reads them, only the ledger functions write them.
REVOKE INSERT, UPDATE, DELETE ON public.credit_accounts, public.credit_events,
    public.credit_reservations, public.budget_windows, public.budget_alerts,
    public.billing_reconciliations FROM tessera_app;
-- alert delivery marks an alert delivered, nothing else
GRANT UPDATE (delivered_at) ON public.budget_alerts TO tessera_app;

GRANT SELECT, INSERT, UPDATE ON public.credit_accounts, public.credit_reservations,
    public.budget_windows TO tessera_ledger_owner;
GRANT SELECT, INSERT ON public.credit_events, public.budget_alerts, public.billing_reconciliations
    TO tessera_ledger_owner;
GRANT SELECT ON public.budgets TO tessera_ledger_owner;

-- Every event's effect follows from its type and amount: nothing else can be in the ledger.
-- NOT VALID: an installation whose ledger was already forged still starts; the reconciler
-- reports (and does not count) such events.
CREATE FUNCTION tessera_meta.ledger_event_is_consistent(p_type text, p_amount bigint,
                                                        p_balance bigint, p_hold bigint)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(CASE p_type
        WHEN 'GRANT'      THEN p_balance = p_amount AND p_hold = 0 AND p_amount > 0
        WHEN 'PURCHASE'   THEN p_balance = p_amount AND p_hold = 0 AND p_amount > 0
        WHEN 'REFUND'     THEN p_balance = p_amount AND p_hold = 0 AND p_amount > 0
        WHEN 'ADJUSTMENT' THEN p_balance = p_amount AND p_hold = 0 AND p_amount <> 0
        WHEN 'EXPIRY'     THEN p_balance = -p_amount AND p_hold = 0 AND p_amount > 0
        WHEN 'RESERVE'    THEN p_balance = 0 AND p_hold = p_amount AND p_amount >= 0
        WHEN 'RELEASE'    THEN p_balance = 0 AND p_hold = -p_amount AND p_amount >= 0
        -- a settle charges its amount and closes at most that much of the hold (an overage
        -- beyond the hold is charged from the available balance)
        WHEN 'SETTLE'     THEN p_balance = -p_amount AND p_hold <= 0 AND -p_hold <= p_amount
                               AND p_amount >= 0
    END, false)
$$;
ALTER TABLE public.credit_events ADD CONSTRAINT credit_events_effect_follows_type
    CHECK (tessera_meta.ledger_event_is_consistent(type, amount, balance_delta, hold_delta)) NOT VALID;

-- Reconciliation counts only events that obey the rule above and reports the others.
DROP FUNCTION tessera_meta.billing_reconcile();
CREATE FUNCTION tessera_meta.billing_reconcile()
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
    SELECT coalesce(sum(amount), 0) INTO oh FROM public.credit_reservations
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

SELECT tessera_meta.seal_writer('tessera_meta.billing_reserve(text, bigint, uuid, text, text, timestamptz, text)', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_settle(text, bigint, text, integer, integer, integer, text, text)', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_release(text, text, text, boolean)', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_movement(text, bigint, text, text, text, text)', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_record_free(text[], uuid[], text[], text[], text[], integer[], integer[], integer[], text[], text)', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_reconcile()', 'tessera_ledger_owner', true);
SELECT tessera_meta.seal_writer('tessera_meta.billing_reap(integer)', 'tessera_ledger_owner', true);
-- moves budget windows by any amount: only the ledger functions may call it
SELECT tessera_meta.seal_writer('tessera_meta.billing_budgets(uuid, text, timestamptz, bigint, bigint, bigint)', 'tessera_ledger_owner', false);

-- The reaper's scan stays the owner's (it reads ids across tenants), with pg_temp last now.
ALTER FUNCTION tessera_meta.billing_tenants_due(integer) SET search_path = pg_catalog, public, pg_temp;

-- Whole-tenant removal (tier moves, purges) no longer goes through a function the application
-- may call: it runs on the administrator's connection acting as tessera_owner (TenantTables).
DROP FUNCTION tessera_meta.purge_tenant_rows(regclass);
