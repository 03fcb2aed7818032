// Names every hot-store query shares: the product's schema and objects, and the SQL type of each key type.
/** Product objects live in their own schema (migrations create it). */
export const PRODUCT_SCHEMA = 'ticket_archiver';
export const LEDGER = `${PRODUCT_SCHEMA}.ledger`;
export const CANDIDATE_INDEX = 'ticket_archiver_candidates';

export const SQL_TYPE = {
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  uuid: 'uuid',
  text: 'text',
} as const;
