-- Every model call inserts one decision_log row, so each index on it is paid on the request rate
-- (five B-trees per call at V22). Two of them index what most rows do not have: a prompt (most
-- calls send plain messages) and a failure (most calls succeed). Partial indexes keep the lookups
-- they serve (feedback per prompt version; "show me the errors") and skip the common row.
-- A search for outcome = 'ok' uses decision_log_time_idx and filters, within its time window.
DROP INDEX public.decision_log_prompt_idx;
CREATE INDEX decision_log_prompt_idx ON public.decision_log (tenant_id, prompt_name, prompt_version)
    WHERE prompt_name IS NOT NULL;
DROP INDEX public.decision_log_outcome_idx;
CREATE INDEX decision_log_outcome_idx ON public.decision_log (tenant_id, outcome, created_at)
    WHERE outcome <> 'ok';
