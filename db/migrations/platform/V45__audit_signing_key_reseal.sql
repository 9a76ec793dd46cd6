-- Sealed secrets are bound to their owner since issue 8 (AES-GCM associated data): the audit
-- signing key, sealed before that, is sealed again at first use. The application may rewrite the
-- sealed value (and its master key id) of the existing row, nothing else: the id stays.
GRANT UPDATE (vault_key, sealed) ON platform.audit_signing_keys TO tessera_app;
