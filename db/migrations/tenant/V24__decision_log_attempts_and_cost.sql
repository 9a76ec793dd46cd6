-- The decision log complete (issue 9) and PII-safe (issue 10): every upstream attempt of a request
-- as JSON next to their count, and what each JSON column and the cost hold, said where an
-- auditor reads the table.

ALTER TABLE public.decision_log ADD COLUMN attempt_log jsonb;

COMMENT ON COLUMN public.decision_log.input_text IS
    'The input exactly as it left for the provider: the messages after the tenant''s PII policy '
    'masked or redacted them (placeholders such as <EMAIL_1>), as OpenAI-style JSON. NULL when the '
    'tenant stores no prompts, or when nothing was sent (a request safety refused).';
COMMENT ON COLUMN public.decision_log.input_sha256 IS
    'SHA-256 (hex) of the masked input text, kept even when the tenant stores no prompts.';
COMMENT ON COLUMN public.decision_log.evidence_ids IS
    'Chunk ids of the knowledge-base evidence a grounded chat was given ("retrieval" option); '
    'NULL when the call was not grounded, empty when retrieval found nothing good enough.';
COMMENT ON COLUMN public.decision_log.attempts IS
    'How many upstream calls were made (retries, fallbacks and a JSON repair call included); '
    '0 for a cache hit; NULL when not known.';
COMMENT ON COLUMN public.decision_log.attempt_log IS
    'Every upstream call in order: [{"model","provider","fallback","outcome","status",'
    '"latencyMillis"}], outcome ok, cancelled or the failure kind (server_error, timeout, ...).';
COMMENT ON COLUMN public.decision_log.fallbacks IS
    'How many of the attempts went to a deployment other than the routing plan''s primary.';
COMMENT ON COLUMN public.decision_log.guardrails IS
    'The safety verdicts: {"verdict": blocked|flagged|passed, "checks": [{"check","mode",'
    '"flagged","reason"}], "pii": {kind: count}}. Kinds and counts only, never a value. '
    'NULL when the request was never screened.';
COMMENT ON COLUMN public.decision_log.cost IS
    'Micro-credits the ledger charged, known synchronously: settle''s charged amount for a held '
    'call (its JSON repair call added), the cache-policy price of a cache hit, 0 for free models '
    'and for refused or failed calls (hold released). NULL when the settle failed and the charge '
    'was left to the reaper.';
COMMENT ON COLUMN public.decision_log.outcome IS
    'ok, error, blocked (refused by a safety check) or cancelled (the client went away).';
