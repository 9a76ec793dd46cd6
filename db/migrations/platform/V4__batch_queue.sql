-- The durable queue of batch jobs. Platform data with no tenant content: which job of which
-- tenant waits, runs (and on which instance, until when) or is done. The job itself (its request
-- lines, results and errors) lives in the tenant's own tables (tenant migration V9), reached only
-- inside a transaction pinned to the tenant.
CREATE TABLE platform.batch_queue (
    job_id            uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    -- submitting: being written (claimable only once older than a lease, to recover a crash
    -- between the two writes); queued: waiting for next_attempt_at; running: leased to
    -- lease_owner until lease_expires_at; done / dead: finished / dead-lettered
    status            text        NOT NULL CHECK (status IN ('submitting', 'queued', 'running', 'done', 'dead')),
    -- claims so far: every claim is an attempt, so a job that kills its worker is dead-lettered too
    attempts          integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    lease_owner       text,
    lease_expires_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT batch_queue_lease_pair CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
);
-- what a worker scans for: claimable rows in due order
CREATE INDEX batch_queue_due_idx ON platform.batch_queue (next_attempt_at, created_at)
    WHERE status IN ('submitting', 'queued', 'running');
-- the per-tenant concurrency cap counts live leases
CREATE INDEX batch_queue_running_idx ON platform.batch_queue (tenant_id)
    WHERE status = 'running';

GRANT SELECT, INSERT, UPDATE, DELETE ON platform.batch_queue TO tessera_app;
