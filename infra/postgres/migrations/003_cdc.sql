-- What Debezium needs in the database, owned by the schema rather than created by the connector at run time.
SET lock_timeout = '5s';

-- Debezium's signal table: inserting a row here starts an incremental snapshot (a backfill that reads the table in
-- primary-key chunks without locking it). Debezium also writes its snapshot watermarks here.
CREATE TABLE IF NOT EXISTS public.debezium_signal (
  id   varchar(64) PRIMARY KEY,
  type varchar(64) NOT NULL,
  data text
);

-- A publication limited to what is captured: the tickets table, plus the signal table, whose changes must reach
-- the connector through the stream for signals and watermarks to work. The connector runs with
-- publication.autocreate.mode=disabled, so it needs no ownership of the table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'ticket_archiver_cdc') THEN
    CREATE PUBLICATION ticket_archiver_cdc FOR TABLE public.tickets, public.debezium_signal;
  END IF;
END
$$;
