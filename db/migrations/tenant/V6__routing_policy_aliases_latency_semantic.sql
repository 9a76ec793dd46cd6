-- A tenant's own model aliases, a latency cap, and its opt-in semantic cache.
ALTER TABLE public.routing_policies
    ADD COLUMN aliases                    jsonb   CHECK (aliases IS NULL OR jsonb_typeof(aliases) = 'object'),
    ADD COLUMN max_latency_ms             integer CHECK (max_latency_ms > 0),
    ADD COLUMN semantic_cache_threshold   double precision
        CHECK (semantic_cache_threshold >= 0.5 AND semantic_cache_threshold <= 1.0),
    ADD COLUMN semantic_cache_ttl_seconds integer CHECK (semantic_cache_ttl_seconds > 0),
    ADD CONSTRAINT routing_policies_semantic_pair
        CHECK ((semantic_cache_threshold IS NULL) = (semantic_cache_ttl_seconds IS NULL));
