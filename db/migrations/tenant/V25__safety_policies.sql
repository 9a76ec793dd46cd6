-- A tenant's safety policy (issue 10): PII action per entity kind, phone regions, its own term
-- dictionaries, guardrail modes, denied topics and policy terms, as one JSON document. No row means
-- the default policy (mask every built-in kind, monitor prompt injection).
CREATE TABLE public.safety_policies (
    tenant_id   uuid        NOT NULL,
    policy      jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
SELECT tessera_meta.make_tenant_owned('public.safety_policies');
