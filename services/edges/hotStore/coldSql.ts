// The cold rule and the restore hold as SQL, evaluated at the database's clock ($2 is COLD_AFTER in milliseconds), so
// every decision that leads to a delete is taken where the delete happens.

export const COLD_SQL = `t.status = 'closed' AND t.last_operated_at <= now() - ($2::bigint * interval '1 millisecond')`;

export const NOT_HELD_SQL = `NOT EXISTS (SELECT 1 FROM public.ticket_archiver_ledger l
  WHERE l.ticket_id = t.id AND l.state = 'restored' AND l.hold_until > now())`;
