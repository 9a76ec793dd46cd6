-- Control plane: the catalog of tenants and where their data lives. Lives only in the shared
-- database. These rows are platform data (not tenant-owned): the application reaches them only
-- through platform code paths, never through a tenant's query.
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE platform.tenants (
    id                 uuid        PRIMARY KEY,
    slug               text        NOT NULL,
    name               text        NOT NULL,
    tier               text        NOT NULL CHECK (tier IN ('STANDARD', 'PROFESSIONAL', 'ENTERPRISE')),
    status             text        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'PURGED')),
    -- NULL: the shared database. Otherwise the tenant's own database on the same server.
    database_name      text,
    -- bumped on every placement change so cached placements can be recognised as stale
    placement_version  integer     NOT NULL DEFAULT 1,
    requests_per_minute        integer NOT NULL CHECK (requests_per_minute > 0),
    tokens_per_minute          integer NOT NULL CHECK (tokens_per_minute > 0),
    max_concurrent_requests    integer NOT NULL CHECK (max_concurrent_requests > 0),
    key_requests_per_minute    integer NOT NULL CHECK (key_requests_per_minute > 0),
    key_tokens_per_minute      integer NOT NULL CHECK (key_tokens_per_minute > 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    suspended_at       timestamptz,
    purge_after        timestamptz,
    CONSTRAINT tenants_slug_unique UNIQUE (slug)
);
CREATE INDEX tenants_created_idx ON platform.tenants (created_at, id);

-- One row per tier move: the trail of what happened, and what a restart must finish or undo.
CREATE TABLE platform.tier_moves (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES platform.tenants (id),
    from_tier     text        NOT NULL,
    to_tier       text        NOT NULL,
    from_database text,
    to_database   text,
    state         text        NOT NULL CHECK (state IN ('COPYING', 'SWITCHED', 'DONE', 'FAILED')),
    detail        text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX tier_moves_tenant_idx ON platform.tier_moves (tenant_id, started_at);

GRANT USAGE ON SCHEMA platform TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON platform.tenants TO tessera_app;
GRANT SELECT, INSERT, UPDATE ON platform.tier_moves TO tessera_app;

-- At most one move per tenant at a time.
CREATE UNIQUE INDEX tier_moves_one_running ON platform.tier_moves (tenant_id)
    WHERE state IN ('COPYING', 'SWITCHED');
