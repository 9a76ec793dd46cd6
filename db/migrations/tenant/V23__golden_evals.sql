-- Golden evals: cases per prompt (variables and the properties a good answer has), runs of one
-- version against its cases through the gateway (billed, on the batch lane) with per-case results
-- and progress, which gate promotions to production.

CREATE TABLE public.eval_cases (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    prompt_id   uuid        NOT NULL,
    name        text,
    variables   jsonb       NOT NULL DEFAULT '{}',
    expect      jsonb       NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT eval_cases_prompt_fk FOREIGN KEY (tenant_id, prompt_id)
        REFERENCES public.prompts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX eval_cases_prompt_idx ON public.eval_cases (tenant_id, prompt_id, created_at);
SELECT tessera_meta.make_tenant_owned('public.eval_cases');

CREATE TABLE public.eval_runs (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    prompt_id    uuid        NOT NULL,
    version      integer     NOT NULL,
    status       text        NOT NULL CHECK (status IN ('RUNNING','DONE','FAILED')),
    total        integer     NOT NULL,
    done         integer     NOT NULL DEFAULT 0,
    passed       integer     NOT NULL DEFAULT 0,
    started_by   text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT eval_runs_version_fk FOREIGN KEY (tenant_id, prompt_id, version)
        REFERENCES public.prompt_versions (tenant_id, prompt_id, version) ON DELETE CASCADE
);
CREATE INDEX eval_runs_prompt_idx ON public.eval_runs (tenant_id, prompt_id, version, started_at);
SELECT tessera_meta.make_tenant_owned('public.eval_runs');

CREATE TABLE public.eval_results (
    tenant_id   uuid        NOT NULL,
    run_id      uuid        NOT NULL,
    case_id     uuid        NOT NULL,
    passed      boolean     NOT NULL,
    failures    text[]      NOT NULL DEFAULT '{}',
    output      text,
    tokens_out  integer,
    PRIMARY KEY (tenant_id, run_id, case_id),
    CONSTRAINT eval_results_run_fk FOREIGN KEY (tenant_id, run_id)
        REFERENCES public.eval_runs (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT eval_results_case_fk FOREIGN KEY (tenant_id, case_id)
        REFERENCES public.eval_cases (tenant_id, id) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.eval_results');
