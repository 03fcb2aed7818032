-- migrate:no-transaction
-- The demo help desk's indexes for its agents' queries (business code's, like the table). CONCURRENTLY so that, on an
-- existing table, building them never blocks business writes (the lesson of seeds/000). Each statement runs alone.

-- 1. Unassigned tickets, oldest first.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_unassigned_idx
  ON public.tickets (created_at) WHERE status = 'unassigned';

-- 2. My tickets, most recently operated first (the agents' screen filters by status; the read API's operator list
--    takes them all, in this order: connectors/specs/default.yaml).
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_operator_recent_idx
  ON public.tickets (last_operator_id, last_operated_at DESC);

-- 3. My group's tickets (team lead), likewise.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_operator_group_recent_idx
  ON public.tickets (last_operator_group_id, last_operated_at DESC);

-- 4. One customer's tickets.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_customer_idx
  ON public.tickets (customer_id, created_at DESC);

-- 5. Tickets closed in the last month (supervisor) are served by the index of cold candidates that migrate builds on
--    the spec's activity column and key, partial on its row filter: (last_operated_at, id) WHERE status = 'closed'.
