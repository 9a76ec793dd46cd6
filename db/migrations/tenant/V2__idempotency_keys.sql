-- Idempotency-Key on POSTs: the first request with a key is remembered with a hash of its body
-- and, once answered, its response, for 24 hours. Scoped to tenant + API key + endpoint.
CREATE TABLE public.idempotency_keys (
    tenant_id     uuid        NOT NULL,
    api_key_id    uuid        NOT NULL,
    endpoint      text        NOT NULL,
    idem_key      text        NOT NULL,
    request_hash  bytea       NOT NULL,
    state         text        NOT NULL CHECK (state IN ('IN_FLIGHT', 'DONE')),
    status        integer,
    content_type  text,
    body          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, api_key_id, endpoint, idem_key),
    CONSTRAINT idempotency_keys_key_fk FOREIGN KEY (tenant_id, api_key_id)
        REFERENCES public.api_keys (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idempotency_keys_expiry_idx ON public.idempotency_keys (tenant_id, expires_at);
SELECT tessera_meta.make_tenant_owned('public.idempotency_keys');
