// A Zammad ticket as one aggregate on the real stack: business code writing to a part between the copy and the delete
// (an article added, an article edited, a history row added with no change to the ticket, an article locked) never
// loses a part row and never leaves a stale copy counted as an archive, and the ticket is moved whole later; and an
// aggregate over the cold store's 16 MiB document limit is archived, read and restored exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Long } from 'mongodb';
import { largeText, partRows } from '../support/helpdeskParts.ts';
import { zammad } from '../support/helpdeskShapes.ts';
import { assertOutcomes, moveOnce } from '../support/deskMove.ts';
import { useDesk } from '../support/helpdeskScenario.ts';

const OLD = 7200;
const d = useDesk(zammad, { base: 'test_aggregate_zammad' });

async function coldTicket(): Promise<string> {
  const id = await zammad.insert(d.stores.db, { closed: true, ageSeconds: OLD, listValue: 1 });
  await zammad.conversation.add(d.stores.db, id);
  return id;
}

const parts = (ids: string[]) => partRows(d.stores.db, zammad.parts, zammad.keyArray, ids);
const rowCount = (m: Map<string, string[]>) => [...m.values()].reduce((n, rows) => n + rows.length, 0);
const copies = (id: string) => d.stores.cold.tickets.countDocuments({ _id: Long.fromString(id) });

describe('a Zammad ticket and its parts, moved as one', () => {
  it('migrates the spec with parts', async () => {
    const res = await d.run(['migrate']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
  });

  const races: Array<[string, (id: string) => Promise<void>, string]> = [
    ['an article added', (id) => zammad.conversation.add(d.stores.db, id).then(() => undefined), 'partsChanged'],
    [
      'an article edited (the ticket row untouched)',
      async (id) => {
        await d.stores.db.query(
          `UPDATE zammad.ticket_articles SET body = body || ' (edited)' WHERE id = (SELECT min(id) FROM zammad.ticket_articles WHERE ticket_id = $1)`,
          [id],
        );
      },
      'partsChanged',
    ],
    [
      'a history row added without saving the ticket ((type, id): no foreign key guards it)',
      async (id) => {
        await d.stores.db.query(
          `INSERT INTO zammad.histories (history_type_id, history_object_id, o_id, created_by_id, created_at, updated_at)
           VALUES (3, (SELECT id FROM zammad.history_objects WHERE name = 'Ticket'), $1, 7, now(), now())`,
          [id],
        );
      },
      'partsChanged',
    ],
    [
      "an article's flag removed (a second-level part)",
      async (id) => {
        await d.stores.db.query(
          `DELETE FROM zammad.ticket_article_flags WHERE ticket_article_id IN (SELECT id FROM zammad.ticket_articles WHERE ticket_id = $1)`,
          [id],
        );
      },
      'partsChanged',
    ],
  ];

  for (const [what, race, outcome] of races) {
    it(`keeps the ticket hot when ${what} between copy and delete, then moves it whole`, async () => {
      const id = await coldTicket();
      let before = new Map<string, string[]>();
      const first = await moveOnce(d, id, async () => {
        assert.equal(await copies(id), 1, 'copied');
        await race(id);
        before = await parts([id]);
      });
      assertOutcomes(first, [outcome]);
      assert.equal((await d.hot([id])).size, 1, 'still hot');
      assert.deepEqual(await parts([id]), before, 'every part row as the business left it');
      assert.equal(await copies(id), 0, 'the stale copy removed');
      const timers = await d.stores.cold.timers.countDocuments({ ticketId: Long.fromString(id) });
      assert.equal(timers, 1, 'a timer moves it again later (parts send no events)');

      const second = await moveOnce(d, id);
      assertOutcomes(second, ['archived']);
      assert.equal(rowCount(await parts([id])), 0, 'nothing left behind');
      const doc = (await d.archived([id])).get(id);
      const held = Object.values(doc?.parts ?? {}).reduce((n, rows) => n + rows.length, 0);
      assert.equal(held, rowCount(before), 'the archive holds every part row, the new one included');
    });
  }

  it('skips a ticket whose article a business transaction holds, without waiting, and moves it once released', async () => {
    const id = await coldTicket();
    const business = await d.stores.db.connect();
    try {
      await business.query('BEGIN');
      await business.query(`SELECT 1 FROM zammad.ticket_articles WHERE ticket_id = $1 ORDER BY id LIMIT 1 FOR UPDATE`, [
        id,
      ]);
      const started = Date.now();
      const first = await moveOnce(d, id);
      assert.ok(Date.now() - started < 10_000, 'did not wait for the lock');
      assert.deepEqual(
        first.map((o) => [o.outcome, o.code]),
        [['stuck', '55P03']],
      );
      assert.equal((await d.hot([id])).size, 1, 'still hot');
      assert.equal((await d.archived([id])).size, 0, 'its copy is no archive');
      await business.query('COMMIT');
    } finally {
      business.release();
    }
    const second = await moveOnce(d, id);
    assertOutcomes(second, ['archived']);
    assert.equal(rowCount(await parts([id])), 0);
  });

  it("archives, reads and restores exactly an aggregate above the cold store's 16 MiB document limit", async (t) => {
    const id = await coldTicket();
    // Three forwarded mails of about 6.5 MiB each (Zammad takes bodies up to 20 MB): text with every plane of
    // Unicode, quotes, backslashes and line breaks, so that the aggregate is exact only if every byte is.
    const body = largeText(6 * 1024 + 512);
    for (let i = 0; i < 3; i++)
      await d.stores.db.query(
        `INSERT INTO zammad.ticket_articles (ticket_id, type_id, sender_id, content_type, body, internal, updated_by_id,
                                             created_by_id, created_at, updated_at)
         SELECT $1, 1, 2, 'text/html', $2 || $3, false, 9, 9, created_at, created_at FROM zammad.tickets WHERE id = $1`,
        [id, body, ` #${i}`],
      );
    const before = await parts([id]);
    const root = (await d.rows([id])).get(id);
    const bytes = [...before.values()].flat().reduce((n, r) => n + Buffer.byteLength(r), 0);
    assert.ok(bytes > 16 * 1024 * 1024, `the aggregate is ${bytes} bytes`);

    let started = Date.now();
    const moved = await moveOnce(d, id);
    t.diagnostic(`moved ${(bytes / 1048576).toFixed(1)} MiB of part rows in ${Date.now() - started} ms`);
    assertOutcomes(moved, ['archived']);
    assert.equal(rowCount(await parts([id])), 0, 'nothing left behind');
    const doc = (await d.archived([id])).get(id);
    const chunks = doc?.archive.partChunks;
    assert.ok(chunks && chunks.count >= 2, JSON.stringify(doc?.archive));
    assert.equal(doc?.parts, undefined, 'the parts are in chunks, not in the document');
    assert.equal(await d.stores.cold.partChunks.countDocuments({ copy: chunks.copy }), chunks.count);

    await d.serve(async (base) => {
      started = Date.now();
      const res = await fetch(`${base}/tickets/${id}?tier=cold`);
      const answer = (await res.json()) as { parts?: Record<string, Array<Record<string, unknown>>> };
      t.diagnostic(`read through the API in ${Date.now() - started} ms`);
      assert.equal(res.status, 200);
      const bodies = (answer.parts?.articles ?? []).map((a) => String(a.body));
      for (let i = 0; i < 3; i++) assert.ok(bodies.includes(`${body} #${i}`), `article #${i} read back whole`);
    });

    const verified = await d.run(['verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    started = Date.now();
    const restored = await d.run(['restore', id, '--hold', '1h']);
    t.diagnostic(`restored in ${Date.now() - started} ms (the command, start to end)`);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.deepEqual(await parts([id]), before, 'every part row back, p::text equal');
    assert.deepEqual((await d.rows([id])).get(id), root, 'the ticket row back');
    assert.equal(await d.stores.cold.partChunks.countDocuments({ copy: chunks.copy }), 0, 'its chunks are gone');
  });

  it('refuses a restore whose part key was taken since, naming it, and changes nothing', async () => {
    const id = await coldTicket();
    const moved = await moveOnce(d, id);
    assertOutcomes(moved, ['archived']);
    const doc = (await d.archived([id])).get(id);
    const taken = doc?.parts?.['articles.articleFlags']?.[0]?.key;
    assert.ok(taken, 'the archive holds a flag');
    // Another ticket's article gets a flag with that id (an id a sequence reset could give out again).
    const other = await zammad.insert(d.stores.db, { closed: false, ageSeconds: 60, listValue: 1 });
    await zammad.conversation.add(d.stores.db, other);
    await d.stores.db.query(
      `UPDATE zammad.ticket_article_flags SET id = $1
        WHERE id = (SELECT min(f.id) FROM zammad.ticket_article_flags f
                      JOIN zammad.ticket_articles a ON a.id = f.ticket_article_id WHERE a.ticket_id = $2)`,
      [taken, other],
    );
    const restored = await d.run(['restore', id]);
    assert.notEqual(restored.code, 0, restored.stdout);
    assert.match(
      restored.stderr,
      new RegExp(`part articles\\.articleFlags .*zammad\\.ticket_article_flags.*\\(id\\)=\\(${taken}\\)`),
    );
    assert.equal((await d.hot([id])).size, 0, 'the ticket row went back out with the rest');
    assert.equal((await d.archived([id])).size, 1, 'the archive stays');
  });
});
