-- A tenant's own provider credentials (bring your own key), encrypted with the platform's
-- AES-GCM master key ring like platform.providers. provider_id names a platform provider; it is not
-- a foreign key because a tenant may live in its own database.
CREATE TABLE public.provider_keys (
    tenant_id              uuid        NOT NULL,
    provider_id            uuid        NOT NULL,
    credential_ciphertext  bytea       NOT NULL,
    credential_key_id      text        NOT NULL,
    key_hint               text        NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider_id)
);
SELECT tessera_meta.make_tenant_owned('public.provider_keys');
