-- How far a running tier move has got, so the operator (admin API, portal) can watch it: the
-- phase, the tables copied and verified of how many, the one being copied, the rows so far, and
-- when it is done how long the tenant's writes were held. Written by the mover as it goes.
ALTER TABLE platform.tier_moves
    ADD COLUMN phase         text,
    ADD COLUMN tables_total  integer CHECK (tables_total >= 0),
    ADD COLUMN tables_done   integer NOT NULL DEFAULT 0 CHECK (tables_done >= 0),
    ADD COLUMN current_table text,
    ADD COLUMN rows_copied   bigint  NOT NULL DEFAULT 0 CHECK (rows_copied >= 0),
    ADD COLUMN writes_held_ms bigint CHECK (writes_held_ms >= 0);
