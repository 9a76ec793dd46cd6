-- Retrieval (issue 11): knowledge bases, versioned documents, chunks with their embeddings, and
-- a change log the per-tenant Lucene index catches up from. PostgreSQL is the source of truth;
-- the index is derived data, rebuilt from these tables whenever it is missing or behind.
-- ACLs are JSON objects {"users":[uuid],"roles":[ROLE],"groups":[name],"api_keys":[uuid]};
-- a document's NULL acl inherits its knowledge base's, a knowledge base's NULL acl admits every
-- caller of the tenant.
CREATE TABLE public.knowledge_bases (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description      text,
    acl              jsonb       CHECK (acl IS NULL OR jsonb_typeof(acl) = 'object'),
    bm25_weight      real        NOT NULL DEFAULT 1 CHECK (bm25_weight >= 0),
    dense_weight     real        NOT NULL DEFAULT 1 CHECK (dense_weight >= 0),
    embedding_model  text        NOT NULL DEFAULT 'local-minilm',
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX knowledge_bases_name_unique ON public.knowledge_bases (tenant_id, lower(name));
CREATE INDEX knowledge_bases_page_idx ON public.knowledge_bases (tenant_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.knowledge_bases');

CREATE TABLE public.retrieval_documents (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    kb_id            uuid        NOT NULL,
    external_id      text,
    title            text        NOT NULL,
    -- the newest version uploaded, and the version search serves (NULL: none ready, or deleted)
    current_version  integer     NOT NULL CHECK (current_version > 0),
    live_version     integer,
    acl              jsonb       CHECK (acl IS NULL OR jsonb_typeof(acl) = 'object'),
    metadata         jsonb       CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    deleted_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT retrieval_documents_kb_fk FOREIGN KEY (tenant_id, kb_id)
        REFERENCES public.knowledge_bases (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX retrieval_documents_external_unique
    ON public.retrieval_documents (tenant_id, kb_id, external_id) WHERE deleted_at IS NULL;
CREATE INDEX retrieval_documents_page_idx ON public.retrieval_documents (tenant_id, kb_id, created_at, id);
SELECT tessera_meta.make_tenant_owned('public.retrieval_documents');

CREATE TABLE public.retrieval_document_versions (
    tenant_id         uuid        NOT NULL,
    document_id       uuid        NOT NULL,
    version           integer     NOT NULL CHECK (version > 0),
    status            text        NOT NULL
        CHECK (status IN ('queued', 'processing', 'ready', 'failed', 'superseded', 'deleted')),
    media_type        text        NOT NULL,
    size_bytes        integer     NOT NULL CHECK (size_bytes >= 0),
    -- the upload as received (dropped once superseded or deleted) and the text extracted from it;
    -- every chunk's character range points into this text
    content           bytea,
    extracted_text    text,
    source_updated_at timestamptz NOT NULL,
    chunks_total      integer,
    chunks_done       integer     NOT NULL DEFAULT 0,
    error_code        text,
    error_message     text,
    uploaded_by_key   uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    PRIMARY KEY (tenant_id, document_id, version),
    CONSTRAINT retrieval_versions_document_fk FOREIGN KEY (tenant_id, document_id)
        REFERENCES public.retrieval_documents (tenant_id, id) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.retrieval_document_versions');

CREATE TABLE public.retrieval_chunks (
    tenant_id    uuid    NOT NULL,
    document_id  uuid    NOT NULL,
    version      integer NOT NULL,
    seq          integer NOT NULL CHECK (seq >= 0),
    section      text    NOT NULL,
    anchor       text    NOT NULL,
    start_char   integer NOT NULL CHECK (start_char >= 0),
    end_char     integer NOT NULL,
    body         text    NOT NULL,
    embedding    real[]  NOT NULL,
    PRIMARY KEY (tenant_id, document_id, version, seq),
    CONSTRAINT retrieval_chunks_range CHECK (end_char > start_char),
    CONSTRAINT retrieval_chunks_version_fk FOREIGN KEY (tenant_id, document_id, version)
        REFERENCES public.retrieval_document_versions (tenant_id, document_id, version) ON DELETE CASCADE
);
SELECT tessera_meta.make_tenant_owned('public.retrieval_chunks');

-- Every change search must see (a version going live, a delete, an ACL change) appends the
-- document's id here in the same transaction; an index that has applied up to seq N re-reads the
-- documents named after N. Re-applying a document is idempotent. seq is the tenant's own counter
-- (max + 1 under a per-tenant lock held to commit), not a sequence: it is in commit order, and
-- it survives a tier move (a copied table keeps counting where it was).
CREATE TABLE public.retrieval_changes (
    tenant_id    uuid        NOT NULL,
    seq          bigint      NOT NULL,
    document_id  uuid        NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);
SELECT tessera_meta.make_tenant_owned('public.retrieval_changes');

-- Named groups of principals ("user:<uuid>", "key:<uuid>") that ACLs can name.
CREATE TABLE public.retrieval_groups (
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL CHECK (name ~ '^[A-Za-z0-9._:-]{1,100}$'),
    members    text[]      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
SELECT tessera_meta.make_tenant_owned('public.retrieval_groups');
