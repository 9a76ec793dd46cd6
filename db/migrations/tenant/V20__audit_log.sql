-- The audit log: every admin action and every credit movement reference, append-only and
-- hash-chained per tenant. Each entry stores the hash of its own canonical content and the hash of
-- the previous entry, so editing, deleting or reordering rows breaks the chain at that entry;
-- signed checkpoints (HMAC under a platform key the database never sees in the clear) make a
-- truncated tail detectable too.
--
-- The application role may read the log but never write it directly: entries are added only by
-- tessera_meta.audit_append, which runs as the owner (a NOLOGIN role the application cannot
-- assume), numbers the entry and computes its hashes under a per-tenant lock.

CREATE TABLE public.audit_log (
    tenant_id     uuid        NOT NULL,
    seq           bigint      NOT NULL,
    id            uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    actor         text        NOT NULL,
    address       text,
    action        text        NOT NULL,
    target_type   text,
    target_id     text,
    before_state  jsonb,
    after_state   jsonb,
    reference     text,
    prev_hash     bytea       NOT NULL,
    content_hash  bytea       NOT NULL,
    entry_hash    bytea       NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    CONSTRAINT audit_log_seq_positive CHECK (seq > 0)
);
CREATE UNIQUE INDEX audit_log_id_unique ON public.audit_log (tenant_id, id);
CREATE INDEX audit_log_time_idx ON public.audit_log (tenant_id, created_at, seq);
CREATE INDEX audit_log_actor_idx ON public.audit_log (tenant_id, actor, created_at);
SELECT tessera_meta.make_tenant_owned('public.audit_log');
REVOKE INSERT, UPDATE, DELETE ON public.audit_log FROM tessera_app;

CREATE TABLE public.audit_checkpoints (
    tenant_id   uuid        NOT NULL,
    seq         bigint      NOT NULL,
    entry_hash  bytea       NOT NULL,
    key_id      text        NOT NULL,
    mac         bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, seq)
);
SELECT tessera_meta.make_tenant_owned('public.audit_checkpoints');
REVOKE INSERT, UPDATE, DELETE ON public.audit_checkpoints FROM tessera_app;

-- Refuses changes to the audit tables, even from the owner; only a whole-tenant relocation or
-- purge (TenantTables, as the owner, with tessera.relocating set for the transaction) may remove rows.
CREATE FUNCTION tessera_meta.audit_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tessera.relocating', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON public.audit_log
    FOR EACH ROW EXECUTE FUNCTION tessera_meta.audit_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION tessera_meta.audit_is_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON public.audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION tessera_meta.audit_is_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON public.audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION tessera_meta.audit_is_append_only();

-- One field of the canonical content: its length in bytes, a colon and the text, or '-' for null,
-- so no choice of values can make two different entries read the same.
CREATE FUNCTION tessera_meta.audit_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END
$$;

-- The canonical content of an entry, exactly as AuditChain (Java) rebuilds it when verifying:
-- fields joined by '|', the time as microseconds since the epoch, the states as jsonb text.
CREATE FUNCTION tessera_meta.audit_canonical(
    p_tenant uuid, p_seq bigint, p_id uuid, p_at timestamptz, p_actor text, p_address text,
    p_action text, p_target_type text, p_target_id text, p_before jsonb, p_after jsonb,
    p_reference text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT concat_ws('|',
        tessera_meta.audit_field(p_tenant::text),
        tessera_meta.audit_field(p_seq::text),
        tessera_meta.audit_field(p_id::text),
        tessera_meta.audit_field(((extract(epoch FROM p_at) * 1000000)::bigint)::text),
        tessera_meta.audit_field(p_actor),
        tessera_meta.audit_field(p_address),
        tessera_meta.audit_field(p_action),
        tessera_meta.audit_field(p_target_type),
        tessera_meta.audit_field(p_target_id),
        tessera_meta.audit_field(p_before::text),
        tessera_meta.audit_field(p_after::text),
        tessera_meta.audit_field(p_reference))
$$;

-- Appends one entry to the pinned tenant's chain and answers its sequence number. Entries of one
-- tenant are serialized by a transaction-level advisory lock, so the chain has no forks.
CREATE FUNCTION tessera_meta.audit_append(
    p_actor text, p_address text, p_action text, p_target_type text, p_target_id text,
    p_before jsonb, p_after jsonb, p_reference text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    tenant   uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
    last_seq bigint;
    prev     bytea;
    new_id   uuid := gen_random_uuid();
    at       timestamptz := date_trunc('microseconds', clock_timestamp());
    content  bytea;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'no tenant pinned' USING ERRCODE = '42501';
    END IF;
    IF p_actor IS NULL OR p_action IS NULL THEN
        RAISE EXCEPTION 'an audit entry needs an actor and an action' USING ERRCODE = '22004';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('tessera.audit'), hashtext(tenant::text));
    SELECT seq, entry_hash INTO last_seq, prev
      FROM public.audit_log WHERE tenant_id = tenant ORDER BY seq DESC LIMIT 1;
    IF last_seq IS NULL THEN
        last_seq := 0;
        prev := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    content := sha256(convert_to(tessera_meta.audit_canonical(
        tenant, last_seq + 1, new_id, at, p_actor, p_address, p_action, p_target_type,
        p_target_id, p_before, p_after, p_reference), 'UTF8'));
    INSERT INTO public.audit_log (tenant_id, seq, id, created_at, actor, address, action,
                                  target_type, target_id, before_state, after_state, reference,
                                  prev_hash, content_hash, entry_hash)
    VALUES (tenant, last_seq + 1, new_id, at, p_actor, p_address, p_action, p_target_type,
            p_target_id, p_before, p_after, p_reference, prev, content, sha256(prev || content));
    RETURN last_seq + 1;
END $$;
REVOKE EXECUTE ON FUNCTION tessera_meta.audit_append(text, text, text, text, text, jsonb, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.audit_append(text, text, text, text, text, jsonb, jsonb, text) TO tessera_app;

-- Records a signed checkpoint of the pinned tenant's chain: only of an entry that exists with that
-- hash, so the application cannot checkpoint a chain that is not there. The MAC is computed by the
-- application with the platform key, which the database never holds in the clear.
CREATE FUNCTION tessera_meta.audit_checkpoint(p_seq bigint, p_entry_hash bytea, p_key_id text,
                                              p_mac bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    tenant uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'no tenant pinned' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.audit_log
                    WHERE tenant_id = tenant AND seq = p_seq AND entry_hash = p_entry_hash) THEN
        RAISE EXCEPTION 'no audit entry % with that hash', p_seq USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.audit_checkpoints (tenant_id, seq, entry_hash, key_id, mac)
    VALUES (tenant, p_seq, p_entry_hash, p_key_id, p_mac)
    ON CONFLICT DO NOTHING;
    RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION tessera_meta.audit_checkpoint(bigint, bytea, text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.audit_checkpoint(bigint, bytea, text, bytea) TO tessera_app;

-- Tenants whose chain has grown past its last checkpoint, for the periodic checkpoint job, which
-- runs with no tenant pinned; ids only.
CREATE POLICY audit_scan ON public.audit_log FOR SELECT TO tessera_owner USING (true);
CREATE POLICY audit_scan ON public.audit_checkpoints FOR SELECT TO tessera_owner USING (true);
CREATE FUNCTION tessera_meta.audit_tenants_due(p_limit integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT l.tenant_id FROM public.audit_log l
     GROUP BY l.tenant_id
    HAVING max(l.seq) > coalesce((SELECT max(c.seq) FROM public.audit_checkpoints c
                                   WHERE c.tenant_id = l.tenant_id), 0)
     LIMIT p_limit
$$;
REVOKE EXECUTE ON FUNCTION tessera_meta.audit_tenants_due(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.audit_tenants_due(integer) TO tessera_app;

