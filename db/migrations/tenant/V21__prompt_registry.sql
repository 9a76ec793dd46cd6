-- The prompt registry: prompts per tenant, immutable auto-numbered versions (template, typed
-- variables and the model config that travels with them), labels pointing at versions, label
-- moves awaiting a second person's approval (maker-checker), the history of every move, and a
-- champion/challenger traffic split between two labels.

CREATE TABLE public.prompts (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    name             text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('chat','text')),
    description      text,
    protected_labels text[]      NOT NULL DEFAULT '{production}',
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT prompts_name_unique UNIQUE (tenant_id, name),
    CONSTRAINT prompts_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$')
);
CREATE INDEX prompts_page_idx ON public.prompts (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.prompts');

CREATE TABLE public.prompt_versions (
    tenant_id   uuid        NOT NULL,
    prompt_id   uuid        NOT NULL,
    version     integer     NOT NULL CHECK (version > 0),
    template    jsonb       NOT NULL,
    variables   jsonb       NOT NULL DEFAULT '[]',
    config      jsonb       NOT NULL DEFAULT '{}',
    message     text,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, prompt_id, version),
    CONSTRAINT prompt_versions_prompt_fk FOREIGN KEY (tenant_id, prompt_id)
        REFERENCES public.prompts (tenant_id, id) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.prompt_versions');
-- versions are immutable: a change is a new version
REVOKE UPDATE ON public.prompt_versions FROM tessera_app;

CREATE TABLE public.prompt_labels (
    tenant_id   uuid        NOT NULL,
    prompt_id   uuid        NOT NULL,
    label       text        NOT NULL,
    version     integer     NOT NULL,
    moved_by    text        NOT NULL,
    approved_by text,
    moved_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, prompt_id, label),
    CONSTRAINT prompt_labels_version_fk FOREIGN KEY (tenant_id, prompt_id, version)
        REFERENCES public.prompt_versions (tenant_id, prompt_id, version) ON DELETE CASCADE,
    CONSTRAINT prompt_labels_name CHECK (label ~ '^[a-z0-9][a-z0-9._-]{0,49}$' AND label <> 'latest')
);
SELECT tessera_meta.make_tenant_owned('public.prompt_labels');

-- Every move of a label, in order per label: rollback moves a label back to an earlier target.
CREATE TABLE public.prompt_label_moves (
    tenant_id    uuid        NOT NULL,
    prompt_id    uuid        NOT NULL,
    label        text        NOT NULL,
    seq          integer     NOT NULL,
    from_version integer,
    to_version   integer     NOT NULL,
    moved_by     text        NOT NULL,
    approved_by  text,
    reason       text,
    moved_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, prompt_id, label, seq),
    CONSTRAINT prompt_label_moves_prompt_fk FOREIGN KEY (tenant_id, prompt_id)
        REFERENCES public.prompts (tenant_id, id) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.prompt_label_moves');
REVOKE UPDATE ON public.prompt_label_moves FROM tessera_app;

-- A proposed move of a protected label, waiting for an approver other than its proposer.
CREATE TABLE public.prompt_label_requests (
    tenant_id       uuid        NOT NULL,
    id              uuid        NOT NULL,
    prompt_id       uuid        NOT NULL,
    label           text        NOT NULL,
    version         integer     NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING'
                                CHECK (status IN ('PENDING','APPROVED','REJECTED')),
    proposed_by     text        NOT NULL,
    proposed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT prompt_label_requests_version_fk FOREIGN KEY (tenant_id, prompt_id, version)
        REFERENCES public.prompt_versions (tenant_id, prompt_id, version) ON DELETE CASCADE,
    CONSTRAINT prompt_label_requests_decided CHECK ((status = 'PENDING') = (decided_by IS NULL))
);
CREATE INDEX prompt_label_requests_page_idx ON public.prompt_label_requests (tenant_id, proposed_at, id);
CREATE INDEX prompt_label_requests_prompt_idx ON public.prompt_label_requests (tenant_id, prompt_id);
SELECT tessera_meta.make_tenant_owned('public.prompt_label_requests');

CREATE TABLE public.prompt_traffic (
    tenant_id          uuid    NOT NULL,
    prompt_id          uuid    NOT NULL,
    champion_label     text    NOT NULL,
    challenger_label   text    NOT NULL,
    challenger_percent integer NOT NULL CHECK (challenger_percent BETWEEN 0 AND 100),
    PRIMARY KEY (tenant_id, prompt_id),
    CONSTRAINT prompt_traffic_prompt_fk FOREIGN KEY (tenant_id, prompt_id)
        REFERENCES public.prompts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT prompt_traffic_labels_differ CHECK (champion_label <> challenger_label)
);
SELECT tessera_meta.make_tenant_owned('public.prompt_traffic');
