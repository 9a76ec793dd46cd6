-- Group commit for the ledger's hot path (issue 14). A priced call holds before and settles after,
-- each durable; one commit per operation made the tenant's account row the bottleneck (every
-- hold and settle of a tenant updates that row and keeps it locked until its commit's fsync).
-- Now each instance gathers the holds, settles and releases of one tenant that arrive while the
-- previous batch commits, and applies them here: one round trip, one transaction, one fsync.
--
-- Each operation is one call of the sealed writer it names (billing_reserve, billing_settle,
-- billing_release: the same checks, the same events as one by one), inside a subtransaction of
-- its own: a refused hold (TS402 insufficient credits, TS403 a hard budget) refuses that call
-- alone and the others commit. The answer is one row per operation, in order, with the writer's
-- answer or the SQLSTATE, message and detail of its refusal. The caller keeps batches at most 48
-- operations long, under PostgreSQL's 64 cached subtransactions per backend.
--
-- SECURITY INVOKER on purpose: it can do nothing its caller could not do call by call, and it
-- writes nothing itself.
CREATE FUNCTION tessera_meta.billing_apply(
    p_kinds text[], p_requests text[], p_amounts bigint[], p_keys uuid[], p_tags text[],
    p_models text[], p_expires timestamptz[], p_actors text[], p_in integer[], p_out integer[],
    p_cached integer[], p_cache text[], p_reasons text[])
RETURNS TABLE (outcome text, amount bigint, available bigint,
               err_state text, err_message text, err_detail text)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    i integer;
BEGIN
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
REVOKE ALL ON FUNCTION tessera_meta.billing_apply(text[], text[], bigint[], uuid[], text[], text[],
    timestamptz[], text[], integer[], integer[], integer[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_apply(text[], text[], bigint[], uuid[], text[], text[],
    timestamptz[], text[], integer[], integer[], integer[], text[], text[]) TO tessera_app;
