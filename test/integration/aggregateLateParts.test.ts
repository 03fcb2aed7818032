// The window that no lock guards: a (type, id) part row (a Zammad history) committed after the move checked the
// ticket's parts. The delete reads the parts once more after deleting, just before its commit: a row there keeps the
// whole ticket hot. Simulated by a trigger of the test's own on its copy of Zammad's schema, which writes such a row
// while the move deletes the article flags (the move's own transaction sees it as it would see one committed since).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import { assertOutcomes, moveOnce } from '../support/deskMove.ts';
import { zammad } from '../support/helpdeskShapes.ts';
import { useDesk } from '../support/helpdeskScenario.ts';

const d = useDesk(zammad, { base: 'test_aggregate_late' });

describe('a part row appearing during the delete', () => {
  it('keeps the ticket hot with every row, then moves it whole once the writes stop', async () => {
    assert.equal((await d.run(['migrate'])).code, 0);
    const id = await zammad.insert(d.stores.db, { closed: true, ageSeconds: 7200, listValue: 1 });
    await zammad.conversation.add(d.stores.db, id);
    await d.stores.db.query(`
      CREATE FUNCTION zammad.test_late_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        INSERT INTO zammad.histories (history_type_id, history_object_id, o_id, created_by_id, created_at, updated_at)
        SELECT 3, (SELECT id FROM zammad.history_objects WHERE name = 'Ticket'), a.ticket_id, 7, now(), now()
          FROM zammad.ticket_articles a WHERE a.id = OLD.ticket_article_id;
        RETURN OLD;
      END $$;
      CREATE TRIGGER test_late_history AFTER DELETE ON zammad.ticket_article_flags
        FOR EACH ROW EXECUTE FUNCTION zammad.test_late_history()`);
    const count = async () =>
      Number(
        (
          await d.stores.db.query<{ n: string }>(
            `SELECT (SELECT count(*) FROM zammad.ticket_articles WHERE ticket_id = $1)
                  + (SELECT count(*) FROM zammad.histories WHERE o_id = $1)::bigint AS n`,
            [id],
          )
        ).rows[0]?.n,
      );
    const before = await count();
    const first = await moveOnce(d, id);
    assertOutcomes(first, ['partsChanged']);
    assert.equal((await d.hot([id])).size, 1, 'still hot');
    assert.equal(await count(), before, 'nothing deleted: the transaction rolled back whole');
    assert.equal(await d.stores.cold.tickets.countDocuments({ _id: Long.fromString(id) }), 0, 'its copy removed');

    await d.stores.db.query('DROP TRIGGER test_late_history ON zammad.ticket_article_flags');
    const second = await moveOnce(d, id);
    assertOutcomes(second, ['archived']);
    assert.equal(await count(), 0, 'nothing left behind');
  });
});
