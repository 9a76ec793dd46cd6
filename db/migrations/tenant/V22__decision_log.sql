-- The decision log: one row per model request, written off the request path in batches. It holds
-- the masked input, or only its SHA-256 when the tenant chose to store no prompts, and everything
-- that decided the answer: prompt version, evidence, route and reason, served model, attempts,
-- guardrail verdicts, tokens, cost, latency and outcome. Rows older than the tenant's retention
-- are purged by a job.

CREATE TABLE public.governance_settings (
    tenant_id                uuid        NOT NULL,
    store_prompts            boolean     NOT NULL DEFAULT true,
    decision_retention_days  integer     NOT NULL DEFAULT 30
                             CHECK (decision_retention_days BETWEEN 1 AND 3650),
    min_eval_pass_rate       integer     CHECK (min_eval_pass_rate BETWEEN 0 AND 100),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
SELECT tessera_meta.make_tenant_owned('public.governance_settings');

CREATE TABLE public.decision_log (
    tenant_id        uuid        NOT NULL,
    request_id       text        NOT NULL,
    created_at       timestamptz NOT NULL,
    api_key_id       uuid,
    input_sha256     text,
    input_text       text,
    prompt_name      text,
    prompt_version   integer,
    evidence_ids     text[],
    model_requested  text,
    model_served     text,
    route            text,
    route_reason     text,
    attempts         integer,
    fallbacks        integer,
    cache            text,
    guardrails       jsonb,
    tokens_in        integer,
    tokens_out       integer,
    cost             bigint,
    latency_ms       integer,
    outcome          text        NOT NULL,
    error            text,
    streamed         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX decision_log_time_idx ON public.decision_log (tenant_id, created_at, request_id);
CREATE INDEX decision_log_model_idx ON public.decision_log (tenant_id, model_served, created_at);
CREATE INDEX decision_log_outcome_idx ON public.decision_log (tenant_id, outcome, created_at);
CREATE INDEX decision_log_prompt_idx ON public.decision_log (tenant_id, prompt_name, prompt_version);
SELECT tessera_meta.make_tenant_owned('public.decision_log');
-- a decision, once recorded, is not edited; only the retention purge removes it
REVOKE UPDATE, DELETE ON public.decision_log FROM tessera_app;

-- The retention purge runs with no tenant pinned, in every database: it may delete (only) rows
-- older than their tenant's retention, through this function.
CREATE POLICY decision_purge ON public.decision_log FOR ALL TO tessera_owner USING (true);
CREATE POLICY decision_purge ON public.governance_settings FOR SELECT TO tessera_owner USING (true);
CREATE FUNCTION tessera_meta.decision_purge(p_limit integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    WITH doomed AS (
        SELECT d.tenant_id, d.request_id FROM public.decision_log d
          LEFT JOIN public.governance_settings s ON s.tenant_id = d.tenant_id
         WHERE d.created_at < now() - make_interval(days => coalesce(s.decision_retention_days, 30))
         LIMIT p_limit)
    DELETE FROM public.decision_log d USING doomed
     WHERE d.tenant_id = doomed.tenant_id AND d.request_id = doomed.request_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION tessera_meta.decision_purge(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tessera_meta.decision_purge(integer) TO tessera_app;

-- Feedback on a request's answer, by the tenant that made the request.
CREATE TABLE public.feedback (
    tenant_id      uuid        NOT NULL,
    id             uuid        NOT NULL,
    request_id     text        NOT NULL,
    -- a thumb is -1 or 1 (is_thumb), a rating 1 to 5
    score          integer     NOT NULL CHECK (score BETWEEN -1 AND 5 AND score <> 0),
    is_thumb       boolean     NOT NULL,
    comment        text,
    tags           text[]      NOT NULL DEFAULT '{}',
    api_key_id     uuid,
    prompt_name    text,
    prompt_version integer,
    model_served   text,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX feedback_request_idx ON public.feedback (tenant_id, request_id);
CREATE INDEX feedback_prompt_idx ON public.feedback (tenant_id, prompt_name, prompt_version);
SELECT tessera_meta.make_tenant_owned('public.feedback');
