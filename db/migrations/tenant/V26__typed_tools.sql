-- Typed tools (issue 10): a tenant's registry of tools, their executions (with approvals for
-- sensitive tools, idempotency keys and what an undo needs), and the state of the built-in kv.set.
CREATE TABLE public.tools (
    tenant_id            uuid        NOT NULL,
    id                   uuid        NOT NULL,
    name                 text        NOT NULL CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    description          text,
    kind                 text        NOT NULL CHECK (kind IN ('http', 'builtin')),
    url                  text,
    undo_url             text,
    builtin              text,
    arguments_schema     jsonb       NOT NULL,
    sensitive            boolean     NOT NULL DEFAULT false,
    roles                text[]      NOT NULL DEFAULT '{}',
    change_window        text,
    undo_window_seconds  integer     NOT NULL DEFAULT 0 CHECK (undo_window_seconds >= 0),
    per_key_per_minute   integer     CHECK (per_key_per_minute > 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
SELECT tessera_meta.make_tenant_owned('public.tools');

CREATE TABLE public.tool_executions (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    tool_id          uuid        NOT NULL,
    status           text        NOT NULL CHECK (status IN
                         ('pending_approval', 'approved', 'executed', 'failed', 'undone')),
    arguments        jsonb       NOT NULL,
    preview          text,
    result           text,
    previous_state   jsonb,
    idempotency_key  text,
    requested_by     text        NOT NULL,
    approved_by      text,
    approval_id      uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    executed_at      timestamptz,
    undo_until       timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, tool_id) REFERENCES public.tools (tenant_id, id)
);
CREATE UNIQUE INDEX tool_executions_idempotency
    ON public.tool_executions (tenant_id, tool_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- an approval is used by one execution at most
CREATE UNIQUE INDEX tool_executions_approval
    ON public.tool_executions (tenant_id, approval_id) WHERE approval_id IS NOT NULL;
CREATE INDEX tool_executions_by_key
    ON public.tool_executions (tenant_id, tool_id, requested_by, created_at);
SELECT tessera_meta.make_tenant_owned('public.tool_executions');

CREATE TABLE public.tool_kv (
    tenant_id   uuid        NOT NULL,
    key         text        NOT NULL,
    value       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
SELECT tessera_meta.make_tenant_owned('public.tool_kv');
