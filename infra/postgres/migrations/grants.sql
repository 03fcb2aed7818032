-- Least privilege for each job on the product's own objects, applied by every `ticket-archiver migrate` after the
-- migrations, so grants follow the schema. Their privileges on the archived table (and the tables its cold condition
-- and its foreign keys involve) are granted by migrate's spec step (edges/hotStore/specObjects.ts). The roles are
-- created beforehand by whoever administers the database (the local stack does it; docs/operations.md "Roles"); a role
-- that does not exist yet is skipped, and the next migrate grants it.
--   ticket_archiver_mover     archiver, reconciler, backfill, status, plan, audit, verify: keep the ledger, lock the
--                             rows a move copied (through the spec step's function)
--   ticket_archiver_restorer  restore: record the restore in the ledger
--   ticket_archiver_reader    the read API (serve): read the ledger
--   debezium                  the connector's replication role: the signal table
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_mover') THEN
    GRANT USAGE ON SCHEMA ticket_archiver TO ticket_archiver_mover;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_archiver.ledger TO ticket_archiver_mover;
    GRANT SELECT ON ticket_archiver.migrations, ticket_archiver.archived_table TO ticket_archiver_mover;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_restorer') THEN
    GRANT USAGE ON SCHEMA ticket_archiver TO ticket_archiver_restorer;
    GRANT SELECT, INSERT, UPDATE ON ticket_archiver.ledger TO ticket_archiver_restorer;
    GRANT SELECT ON ticket_archiver.migrations, ticket_archiver.archived_table TO ticket_archiver_restorer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_reader') THEN
    GRANT USAGE ON SCHEMA ticket_archiver TO ticket_archiver_reader;
    GRANT SELECT ON ticket_archiver.ledger, ticket_archiver.migrations, ticket_archiver.archived_table
      TO ticket_archiver_reader;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debezium') THEN
    GRANT USAGE ON SCHEMA ticket_archiver TO debezium;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_archiver.debezium_signal TO debezium;
  END IF;
END
$$;
