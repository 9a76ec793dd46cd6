-- Tenant-owned data. Runs in the shared database and, unchanged, in every dedicated tenant
-- database. Every table here is tenant-owned: tenant_id NOT NULL leads every key and index,
-- RLS is enabled and forced, and the one policy pins rows to the transaction's tenant.
CREATE SCHEMA IF NOT EXISTS tessera_meta;

-- Makes a table tenant-owned; every later migration calls it for each new table so no table can
-- be forgotten (the isolation test also discovers tables from the catalog and checks them).
CREATE FUNCTION tessera_meta.make_tenant_owned(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %s
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, tbl);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', tbl);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO tessera_app', tbl);
END $$;

-- Marks where a tenant's data is authoritative. A tier move flips it to false in the source in
-- the same transaction that purges the rows, so a request routed by a stale placement notices.
CREATE TABLE public.tenant_residency (
    tenant_id  uuid        NOT NULL,
    active     boolean     NOT NULL,
    since      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
SELECT tessera_meta.make_tenant_owned('public.tenant_residency');

CREATE TABLE public.users (
    tenant_id     uuid        NOT NULL,
    id            uuid        NOT NULL,
    email         text        NOT NULL,
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['PLATFORM_ADMIN','TENANT_ADMIN','DEVELOPER','BILLING','VIEWER']::text[]
                                        AND cardinality(roles) > 0)
);
CREATE UNIQUE INDEX users_email_unique ON public.users (tenant_id, lower(email));
CREATE INDEX users_page_idx ON public.users (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.users');

CREATE TABLE public.api_keys (
    tenant_id     uuid        NOT NULL,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    -- the first characters of the key, shown in listings so people can tell keys apart
    display_prefix text       NOT NULL,
    -- SHA-256 of the whole key; the key itself is never stored
    secret_hash   bytea       NOT NULL,
    scopes        text[]      NOT NULL,
    created_by    uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT api_keys_hash_unique UNIQUE (tenant_id, secret_hash),
    CONSTRAINT api_keys_creator_fk FOREIGN KEY (tenant_id, created_by) REFERENCES public.users (tenant_id, id),
    CONSTRAINT api_keys_scopes_known CHECK (scopes <@ ARRAY['inference','admin','read']::text[]
                                            AND cardinality(scopes) > 0)
);
CREATE INDEX api_keys_page_idx ON public.api_keys (tenant_id, created_at, id);
CREATE INDEX api_keys_creator_idx ON public.api_keys (tenant_id, created_by);
SELECT tessera_meta.make_tenant_owned('public.api_keys');

-- Every tenant transaction starts here: pins the tenant for this transaction only, waits while a
-- tier move holds the tenant's lock, and answers whether this database is still where the
-- tenant's data lives. One round trip.
CREATE FUNCTION tessera_meta.enter_tenant(tenant uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    is_active boolean;
BEGIN
    PERFORM set_config('app.tenant_id', tenant::text, true);
    PERFORM pg_advisory_xact_lock_shared(tessera_meta.tenant_lock_key(tenant));
    SELECT active INTO is_active FROM public.tenant_residency WHERE tenant_id = tenant;
    RETURN coalesce(is_active, false);
END $$;

CREATE FUNCTION tessera_meta.tenant_lock_key(tenant uuid) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(replace(tenant::text, '-', ''), 1, 16))::bit(64)::bigint
$$;

GRANT USAGE ON SCHEMA tessera_meta TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.enter_tenant(uuid) TO tessera_app;
GRANT EXECUTE ON FUNCTION tessera_meta.tenant_lock_key(uuid) TO tessera_app;
REVOKE EXECUTE ON FUNCTION tessera_meta.make_tenant_owned(regclass) FROM PUBLIC;
