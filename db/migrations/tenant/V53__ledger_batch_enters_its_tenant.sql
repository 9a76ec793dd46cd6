-- A ledger batch one round trip shorter (issue 14). A batch was three round trips: the tenant's
-- transaction began with tessera_meta.enter_tenant, then came billing_apply (or a lone operation's
-- writer), then COMMIT; at one priced call at a time a round trip is a third of each hold and
-- settle. This overload takes the tenant and enters it itself, first thing, so a batch is this
-- statement and its COMMIT.
--
-- The COMMIT stays a message of its own on purpose: an instance killed while its batch runs never
-- sends it, so none of the batch commits. (In autocommit the statement would commit by itself once
-- it finished, the caller alive or not.)
--
-- Not resident here (the tenant was moved to another database; a move in progress holds the lock
-- enter_tenant waits on): one row with outcome 'moved', nothing written; the caller rolls back and
-- retries on the tenant's new placement.
--
-- A batch of one calls its writer directly, without billing_apply's subtransactions: a refusal is
-- then the writer's own exception (TS402, TS403, ...), which fails the caller's transaction, where
-- nothing else is.
--
-- SECURITY INVOKER on purpose, like billing_apply: it can do nothing its caller could not do
-- statement by statement, and it writes nothing itself.
CREATE FUNCTION tessera_meta.billing_apply(
    p_tenant uuid,
    p_kinds text[], p_requests text[], p_amounts bigint[], p_keys uuid[], p_tags text[],
    p_models text[], p_expires timestamptz[], p_actors text[], p_in integer[], p_out integer[],
    p_cached integer[], p_cache text[], p_reasons text[])
RETURNS TABLE (outcome text, amount bigint, available bigint,
               err_state text, err_message text, err_detail text)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT tessera_meta.enter_tenant(p_tenant) THEN
        outcome := 'moved';
        RETURN NEXT;
        RETURN;
    END IF;
    IF cardinality(p_kinds) <> 1 THEN
        RETURN QUERY
            SELECT a.outcome, a.amount, a.available, a.err_state, a.err_message, a.err_detail
              FROM tessera_meta.billing_apply(p_kinds, p_requests, p_amounts, p_keys, p_tags,
                                              p_models, p_expires, p_actors, p_in, p_out,
                                              p_cached, p_cache, p_reasons) a;
        RETURN;
    END IF;
    CASE p_kinds[1]
        WHEN 'reserve' THEN
            SELECT r.outcome, r.held, r.available INTO outcome, amount, available
              FROM tessera_meta.billing_reserve(p_requests[1], p_amounts[1], p_keys[1], p_tags[1],
                                                p_models[1], p_expires[1], p_actors[1]) r;
        WHEN 'settle' THEN
            SELECT s.outcome, s.charged INTO outcome, amount
              FROM tessera_meta.billing_settle(p_requests[1], p_amounts[1], p_models[1], p_in[1],
                                               p_out[1], p_cached[1], p_cache[1], p_actors[1]) s;
        WHEN 'release' THEN
            outcome := tessera_meta.billing_release(p_requests[1], p_actors[1], p_reasons[1], false);
        ELSE
            RAISE EXCEPTION 'unknown ledger operation %', p_kinds[1] USING ERRCODE = '22023';
    END CASE;
    RETURN NEXT;
END $$;
REVOKE ALL ON FUNCTION tessera_meta.billing_apply(uuid, text[], text[], bigint[], uuid[], text[],
    text[], timestamptz[], text[], integer[], integer[], integer[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.billing_apply(uuid, text[], text[], bigint[], uuid[], text[],
    text[], timestamptz[], text[], integer[], integer[], integer[], text[], text[]) TO tessera_app;
