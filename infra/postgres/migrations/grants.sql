-- Least privilege for each job, applied by every `ticket-archiver migrate` (as the schema's owner) after the
-- migrations, so grants follow the schema. The roles are created beforehand by whoever administers the database (the
-- local stack does it; README "Roles"); a role that does not exist yet is skipped, and the next migrate grants it.
--   ticket_archiver           owns the schema; only migrations run as it
--   ticket_archiver_mover     archiver, reconciler, backfill, status, plan, history, audit, verify: read tickets, lock
--                             the rows a move copied (through 006's function) and delete them, keep the ledger; membership of pg_monitor (granted by an administrator) lets
--                             the throttle see other sessions' lock waits and replicas' replay lag
--   ticket_archiver_restorer  restore: read and insert tickets, record the restore in the ledger
--   ticket_archiver_reader    the read API (serve): read tickets and the ledger, nothing else
--   debezium                  the connector's replication role (SELECT on tickets, the signal table)
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_mover') THEN
    GRANT USAGE ON SCHEMA public TO ticket_archiver_mover;
    GRANT SELECT, DELETE ON public.tickets TO ticket_archiver_mover;
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.ticket_archiver_ledger TO ticket_archiver_mover;
    GRANT SELECT ON public.ticket_archiver_migrations TO ticket_archiver_mover;
    GRANT EXECUTE ON FUNCTION public.ticket_archiver_lock_copied(bigint[], bigint[]) TO ticket_archiver_mover;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_restorer') THEN
    GRANT USAGE ON SCHEMA public TO ticket_archiver_restorer;
    GRANT SELECT, INSERT ON public.tickets TO ticket_archiver_restorer;
    GRANT SELECT, INSERT, UPDATE ON public.ticket_archiver_ledger TO ticket_archiver_restorer;
    GRANT SELECT ON public.ticket_archiver_migrations TO ticket_archiver_restorer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ticket_archiver_reader') THEN
    GRANT USAGE ON SCHEMA public TO ticket_archiver_reader;
    GRANT SELECT ON public.tickets, public.ticket_archiver_ledger TO ticket_archiver_reader;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debezium') THEN
    GRANT USAGE ON SCHEMA public TO debezium;
    GRANT SELECT ON public.tickets TO debezium;
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.debezium_signal TO debezium;
  END IF;
END
$$;
