-- The model catalog: provider deployments and the models they serve. Platform data; tenant
-- overrides (their own keys and models) arrive later as tenant-owned tables.
CREATE TABLE platform.providers (
    id                    uuid        PRIMARY KEY,
    name                  text        NOT NULL,
    kind                  text        NOT NULL CHECK (kind IN ('openai', 'anthropic', 'gemini', 'local')),
    base_url              text        NOT NULL,
    -- AES-256-GCM under the master key named by credential_key_id; NULL when no key is needed
    credential_ciphertext bytea,
    credential_key_id     text,
    headers               jsonb       NOT NULL DEFAULT '{}'::jsonb,
    query_parameters      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    region                text        NOT NULL DEFAULT 'default',
    enabled               boolean     NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT providers_name_unique UNIQUE (name),
    CONSTRAINT providers_credential_pair CHECK ((credential_ciphertext IS NULL) = (credential_key_id IS NULL))
);
CREATE INDEX providers_page_idx ON platform.providers (created_at, id);

CREATE TABLE platform.models (
    id                        uuid        PRIMARY KEY,
    name                      text        NOT NULL,
    provider_id               uuid        NOT NULL REFERENCES platform.providers (id) ON DELETE CASCADE,
    upstream_name             text        NOT NULL,
    kind                      text        NOT NULL CHECK (kind IN ('chat', 'embedding')),
    tier                      integer     NOT NULL CHECK (tier BETWEEN 0 AND 3),
    input_price_per_million   bigint      NOT NULL CHECK (input_price_per_million >= 0),
    output_price_per_million  bigint      NOT NULL CHECK (output_price_per_million >= 0),
    cached_price_per_million  bigint      NOT NULL CHECK (cached_price_per_million >= 0),
    context_window            integer     NOT NULL CHECK (context_window > 0),
    capabilities              text[]      NOT NULL DEFAULT '{}',
    weight                    integer     NOT NULL DEFAULT 100 CHECK (weight > 0),
    enabled                   boolean     NOT NULL DEFAULT true,
    created_at                timestamptz NOT NULL DEFAULT now(),
    -- one name may have several deployments (providers): the router balances across them
    CONSTRAINT models_deployment_unique UNIQUE (name, provider_id)
);
CREATE INDEX models_page_idx ON platform.models (created_at, id);
CREATE INDEX models_provider_idx ON platform.models (provider_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON platform.providers TO tessera_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.models TO tessera_app;
