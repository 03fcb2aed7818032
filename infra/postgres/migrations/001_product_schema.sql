-- The product's own objects, in a schema of their own: nothing of the business's schema is created or altered here
-- (the table the spec names is read, indexed CONCURRENTLY and published by migrate's spec step: specObjects.ts).
-- DROP SCHEMA ticket_archiver CASCADE removes the product from a database, its ledger included.
SET lock_timeout = '5s';

-- The ledger, written in the same transaction as each delete from the archived table. It is how a mover tells its own
-- deletes (and another mover's) from business deletes, after a crash or when the delete event comes back through the
-- stream, and how a restored ticket is held in the hot table for a while. Keys and versions are PostgreSQL's text of
-- them, whatever the table's types (a version may be xmin). Not in the publication.
CREATE TABLE IF NOT EXISTS ticket_archiver.ledger (
  ticket_key text PRIMARY KEY,
  version    text        NOT NULL,
  -- archived: the hot row of this version was deleted after its copy was written
  -- restored: the ticket was put back into the hot table; it is not archived again before hold_until
  state      text        NOT NULL CHECK (state IN ('archived', 'restored')),
  at         timestamptz NOT NULL DEFAULT now(),
  hold_until timestamptz,
  mover      text        NOT NULL
);

-- The reconciler prunes old 'archived' entries; the cold store keeps the long-term record.
CREATE INDEX IF NOT EXISTS ledger_at_idx ON ticket_archiver.ledger (at);

-- Debezium's signal table: inserting a row here starts an incremental snapshot (a backfill that reads the table in
-- primary-key chunks without locking it). Debezium also writes its snapshot watermarks here, so it is published.
CREATE TABLE IF NOT EXISTS ticket_archiver.debezium_signal (
  id   varchar(64) PRIMARY KEY,
  type varchar(64) NOT NULL,
  data text
);

-- The table the database archives, recorded at the first migrate: a spec that names another table or key later is
-- refused (the ledger, the cold store and the timers hold that table's keys).
CREATE TABLE IF NOT EXISTS ticket_archiver.archived_table (
  one          boolean PRIMARY KEY DEFAULT true CHECK (one),
  table_schema text NOT NULL,
  table_name   text NOT NULL,
  key_column   text NOT NULL,
  key_type     text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
