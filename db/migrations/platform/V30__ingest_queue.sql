-- The durable queue of document ingestion (issue 11), built like platform.batch_queue: ids and
-- scheduling only; the document itself lives in the tenant's own tables. Workers on every
-- instance claim due rows with FOR UPDATE SKIP LOCKED under a lease they renew; a killed
-- instance's work is claimed again once its lease expires.
CREATE TABLE platform.ingest_queue (
    job_id            uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    document_id       uuid        NOT NULL,
    version           integer     NOT NULL,
    -- queued: waiting for next_attempt_at; running: leased; done; dead: dead-lettered
    status            text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts          integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    lease_owner       text,
    lease_expires_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingest_queue_lease_pair CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
);
CREATE INDEX ingest_queue_due_idx ON platform.ingest_queue (next_attempt_at, created_at)
    WHERE status IN ('queued', 'running');

GRANT SELECT, INSERT, UPDATE, DELETE ON platform.ingest_queue TO tessera_app;
