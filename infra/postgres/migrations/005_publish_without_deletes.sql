-- Deletes are not published. Every ticket the archiver moves is a delete: streamed, each would cost the WAL sender,
-- Debezium, Kafka (an event and a tombstone) and the archiver's own intake about as much as the move itself (the
-- benchmark measured 43% of the machine's CPU during a direct backfill), and nothing follows from one: a business
-- delete leaves nothing to archive, and a timer of a deleted ticket is removed when it fires and the move finds the
-- row gone. Inserts and updates decide; truncates are still reported.
SET lock_timeout = '5s';

ALTER PUBLICATION ticket_archiver_cdc SET (publish = 'insert, update, truncate');
