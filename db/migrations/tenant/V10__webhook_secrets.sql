-- A tenant's webhook signing secrets (Standard Webhooks: HMAC-SHA256 over id.timestamp.body),
-- sealed with the platform's AES-GCM master key ring like provider_keys. The current secret has no
-- expiry; after a rotation the previous one keeps signing until expires_at, so receivers can roll
-- over without missing a delivery.
CREATE TABLE public.webhook_secrets (
    tenant_id          uuid        NOT NULL,
    id                 uuid        NOT NULL,
    secret_ciphertext  bytea       NOT NULL,
    secret_key_id      text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- at most one current secret per tenant
CREATE UNIQUE INDEX webhook_secrets_current ON public.webhook_secrets (tenant_id) WHERE expires_at IS NULL;
SELECT tessera_meta.make_tenant_owned('public.webhook_secrets');
