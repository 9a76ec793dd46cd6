-- The platform key that signs audit checkpoints (HMAC-SHA256). Stored sealed under the operator's
-- master key ring, so the database alone (or a superuser of it) cannot forge a checkpoint.
-- Keys are only ever added: a checkpoint names the key that signed it.
CREATE TABLE platform.audit_signing_keys (
    id          text        NOT NULL PRIMARY KEY,
    vault_key   text        NOT NULL,
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON platform.audit_signing_keys TO tessera_app;
