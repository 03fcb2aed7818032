// One move of a help desk's tickets driven by a test (moveTickets over the desk's stores, as a mover opens them), with
// `afterCopy` run between the copy and the delete: the window a race test puts business code into.
import assert from 'node:assert/strict';
import type { TicketOutcome } from '../../services/core/move/outcome.ts';
import type { ColdTicketStore } from '../../services/core/move/ports.ts';
import { moveTickets } from '../../services/core/move/moveTickets.ts';
import { typedColumns } from '../../services/core/spec/listFields.ts';
import { openColdStore } from '../../services/edges/coldStore/index.ts';
import { openMoverHotStore } from '../../services/edges/hotStore/index.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import type { Desk } from './helpdeskScenario.ts';

/** A move driven by the test, with `afterCopy` run between the copy and the delete (the race's window). */
export async function moveOnce(desk: Desk, id: string, afterCopy: () => Promise<void> = () => Promise.resolve()) {
  const hotStore = await openMoverHotStore(
    { databaseUrl: desk.env.DATABASE_URL, applicationName: 'test-aggregate', poolSize: 3 },
    desk.spec,
  );
  const coldStore = await openColdStore(desk.env.MONGODB_URL, desk.spec, { database: desk.names.database });
  try {
    const cold: ColdTicketStore = coldStore.forMoves('test-aggregate');
    const writeCopies = cold.writeCopies.bind(cold);
    cold.writeCopies = async (docs) => {
      const result = await writeCopies(docs);
      await afterCopy();
      return result;
    };
    return await moveTickets(
      {
        hot: hotStore.tickets(3600_000),
        cold,
        mover: 'test',
        lockTimeoutMs: 200,
        coldAfterMs: 3600_000,
        dryRun: false,
        now: () => new Date(),
        log: createLogger('test', 'silent'),
        partitionOf: () => 0,
        copy: { typed: typedColumns(desk.spec), timeZone: 'UTC' },
        scheduleStuck: (_c, _a, now) => ({ nextAttemptAt: now, escalated: false }),
      },
      [{ id }],
    );
  } finally {
    await coldStore.close();
    await hotStore.close();
  }
}

/** The move's outcomes are exactly these (the outcomes in full when not: their reasons say why). */
export function assertOutcomes(outcomes: TicketOutcome[], expected: string[]): void {
  assert.deepEqual(
    outcomes.map((o) => o.outcome),
    expected,
    JSON.stringify(outcomes),
  );
}
