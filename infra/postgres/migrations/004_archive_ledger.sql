-- The archiver's ledger, written in the same transaction as each delete from public.tickets. It is how a mover
-- tells its own deletes (and another mover's) from business deletes, after a crash or when the delete event comes
-- back through the stream, and how a restored ticket is held in the hot table for a while. Not in the publication.
SET lock_timeout = '5s';

CREATE TABLE IF NOT EXISTS public.ticket_archiver_ledger (
  ticket_id  bigint PRIMARY KEY,
  version    bigint      NOT NULL,
  -- archived: the hot row of this version was deleted after its copy was written
  -- restored: the ticket was put back into the hot table; it is not archived again before hold_until
  state      text        NOT NULL CHECK (state IN ('archived', 'restored')),
  at         timestamptz NOT NULL DEFAULT now(),
  hold_until timestamptz,
  mover      text        NOT NULL
);

-- The reconciler prunes old 'archived' entries; the cold store keeps the long-term record.
CREATE INDEX IF NOT EXISTS ticket_archiver_ledger_at_idx ON public.ticket_archiver_ledger (at);
