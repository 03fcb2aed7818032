// Whether a failure of the hot database (or of a move) is worth retrying, by its SQLSTATE or the product's code.
// Transient: the cause goes away by itself (a lock, a timeout, a lost connection, a restarting server). Permanent:
// retrying cannot help until an operator acts (a foreign key from another table, a missing privilege, a constraint,
// a value a store cannot hold), so a stuck deletion of that class is escalated after a few attempts instead.
export type FailureClass = 'transient' | 'permanent';

const TRANSIENT_SQLSTATES = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '58000', // system_error
]);

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function classifyFailure(code: string | null | undefined, message = ''): FailureClass {
  if (code && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_NODE_CODES.has(code)))
    return 'transient';
  if (code) return 'permanent';
  // No SQLSTATE: the connection failed before the server answered.
  return /timeout|terminat|connect|ECONN|socket/i.test(message) ? 'transient' : 'permanent';
}

export const ROW_LOCKED = 'row locked by another transaction';
