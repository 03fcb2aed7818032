-- migrate:no-transaction
-- Indexes for the agents' five queries and for finding cold candidates. CONCURRENTLY so that, on an existing
-- production table, building them never blocks business writes (the lesson of seeds/000). Each statement runs alone.

-- 1. Unassigned tickets, oldest first.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_unassigned_idx
  ON public.tickets (created_at) WHERE status = 'unassigned';

-- 2. My tickets (by status, most recently operated first).
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_operator_idx
  ON public.tickets (last_operator_id, status, last_operated_at DESC);

-- 3. My group's tickets (team lead).
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_operator_group_idx
  ON public.tickets (last_operator_group_id, status, last_operated_at DESC);

-- 4. One customer's tickets.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_customer_idx
  ON public.tickets (customer_id, created_at DESC);

-- 5. Tickets closed in the last month (supervisor), and the cold candidates: closed tickets ordered by their last
--    operation, so "closed and last_operated_at < now() - COLD_AFTER" is a range scan of this small partial index,
--    never a scan of the table. id makes pages of candidates resumable.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_closed_idx
  ON public.tickets (last_operated_at, id) WHERE status = 'closed';
