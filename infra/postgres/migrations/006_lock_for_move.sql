-- A move locks the rows it copied, skipping any a business transaction holds, so its delete never waits behind
-- business code (FOR UPDATE SKIP LOCKED). PostgreSQL lets only a role with UPDATE on tickets lock rows; the movers'
-- role must not update tickets, so the schema's owner lends this one lock, and nothing else, through a function:
-- it locks the rows of exactly these ids at exactly these versions and returns those it locked. The delete that
-- follows in the same transaction checks the cold rule and the restore hold itself.
SET lock_timeout = '5s';

CREATE OR REPLACE FUNCTION public.ticket_archiver_lock_copied(ids bigint[], versions bigint[])
RETURNS TABLE (id bigint, version bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT t.id, t.version FROM public.tickets t
    JOIN unnest(ids, versions) AS c(id, version) ON t.id = c.id AND t.version = c.version
   FOR UPDATE OF t SKIP LOCKED
$$;

REVOKE ALL ON FUNCTION public.ticket_archiver_lock_copied(bigint[], bigint[]) FROM PUBLIC;
