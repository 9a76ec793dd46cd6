-- A tenant's routing policy: which tiers and regions it may be routed to, its default fallback
-- consent, and an optional champion-challenger split. No row means the tier's defaults.
CREATE TABLE public.routing_policies (
    tenant_id         uuid        NOT NULL,
    max_tier          integer     CHECK (max_tier BETWEEN 0 AND 3),
    allowed_regions   text[],
    fallback          text        CHECK (fallback IN ('EQUIVALENT', 'LOWER_TIER', 'NONE')),
    champion_model    text,
    challenger_model  text,
    challenger_share  integer     NOT NULL DEFAULT 0 CHECK (challenger_share BETWEEN 0 AND 100),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    CONSTRAINT routing_policies_pair CHECK ((champion_model IS NULL) = (challenger_model IS NULL))
);
SELECT tessera_meta.make_tenant_owned('public.routing_policies');
