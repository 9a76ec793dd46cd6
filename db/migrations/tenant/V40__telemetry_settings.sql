-- A tenant's telemetry choices (issue 13): whether the text of its model calls may be put in its
-- trace spans (gen_ai.input.messages / gen_ai.output.messages, masked as sent upstream). Takes effect
-- only where the platform allows it too. No row means the default: never.
CREATE TABLE public.telemetry_settings (
    tenant_id      uuid        NOT NULL,
    trace_content  boolean     NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
SELECT tessera_meta.make_tenant_owned('public.telemetry_settings');
