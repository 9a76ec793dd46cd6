-- Asynchronous batch jobs (POST /v1/batches): the job and one row per request line, with the
-- line's result once it has one. The queue that schedules them is platform.batch_queue in the
-- shared database, which holds no tenant content.
CREATE TABLE public.batches (
    tenant_id          uuid        NOT NULL,
    id                 uuid        NOT NULL,
    -- the key that submitted it: the lines run as calls of that key
    api_key_id         uuid        NOT NULL,
    endpoint           text        NOT NULL,
    status             text        NOT NULL
        CHECK (status IN ('in_progress', 'completed', 'failed', 'cancelled', 'expired')),
    completion_window  text        NOT NULL,
    metadata           jsonb       CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    webhook_url        text,
    total              integer     NOT NULL CHECK (total > 0),
    -- why the job failed as a whole (e.g. retries exhausted), in OpenAI's errors shape
    errors             jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    in_progress_at     timestamptz,
    finished_at        timestamptz,
    expires_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX batches_page_idx ON public.batches (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.batches');

CREATE TABLE public.batch_lines (
    tenant_id      uuid        NOT NULL,
    batch_id       uuid        NOT NULL,
    line_no        integer     NOT NULL CHECK (line_no >= 0),
    custom_id      text        NOT NULL,
    body           text        NOT NULL,
    -- pending until answered; answered exactly once (every write is guarded by status = 'pending')
    status         text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    request_id     text,
    status_code    integer,
    response_body  text,
    error_code     text,
    error_message  text,
    finished_at    timestamptz,
    PRIMARY KEY (tenant_id, batch_id, line_no),
    CONSTRAINT batch_lines_custom_id_unique UNIQUE (tenant_id, batch_id, custom_id),
    CONSTRAINT batch_lines_batch_fk FOREIGN KEY (tenant_id, batch_id)
        REFERENCES public.batches (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX batch_lines_pending_idx ON public.batch_lines (tenant_id, batch_id, line_no)
    WHERE status = 'pending';
SELECT tessera_meta.make_tenant_owned('public.batch_lines');
