// The record of each move: who moved when, and whether the move was committed, which is what makes its copies archives
// (core/move/moveProtocol.ts), in ticket_archive.moves; and which tickets at which versions it copied, written once,
// in ticket_archive.move_tickets (apart, so the commit rewrites a small document). Kept as the evidence of each move.
import type { Collection, Db } from 'mongodb';
import type { MoveState } from '../../core/move/moveProtocol.ts';
import type { MoveRecord } from '../../core/move/ports.ts';
import { guardedCold } from './connection.ts';

export interface StoredMove {
  _id: string;
  mover: string;
  state: MoveState;
  startedAt: Date;
  origin?: MoveRecord['origin'];
  committedAt?: Date;
  abandonedAt?: Date;
  archived?: number;
  copied?: number;
}

/** The tickets of a move as one text, "id:version,id:version,...": cheap to write, read only to settle a move. */
interface StoredMoveTickets {
  _id: string;
  tickets: string;
}

const encode = (tickets: MoveRecord['tickets']) => tickets.map((t) => `${t.id}:${t.version}`).join(',');
const decode = (text: string | undefined): MoveRecord['tickets'] =>
  (text ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [id = '', version = ''] = pair.split(':');
      return { id, version };
    });

export class ColdMoves {
  private readonly moves: Collection<StoredMove>;
  private readonly tickets: Collection<StoredMoveTickets>;

  constructor(db: Db) {
    this.moves = db.collection<StoredMove>('moves');
    this.tickets = db.collection<StoredMoveTickets>('move_tickets');
  }

  async ensureIndexes(): Promise<void> {
    await this.moves.createIndex({ state: 1, startedAt: 1 }, { name: 'state_started' });
  }

  begin(move: MoveRecord): Promise<void> {
    return guardedCold('recording a move', async () => {
      await this.tickets.replaceOne({ _id: move.id }, { tickets: encode(move.tickets) }, { upsert: true });
      await this.moves.updateOne(
        { _id: move.id },
        {
          $setOnInsert: {
            mover: move.mover,
            state: 'copying',
            startedAt: move.startedAt,
            ...(move.origin ? { origin: move.origin } : {}),
          },
        },
        { upsert: true },
      );
    });
  }

  commit(id: string, now: Date, counts: { archived: number; copied: number }): Promise<void> {
    return guardedCold('committing a move', async () => {
      await this.moves.updateOne(
        { _id: id, state: 'copying' },
        { $set: { state: 'committed', committedAt: now, ...counts } },
      );
    });
  }

  /** Moves still copying since before `cutoff`: interrupted by a crash, for the reconciler to settle. */
  unfinished(cutoff: Date, limit: number): Promise<MoveRecord[]> {
    return guardedCold('reading unfinished moves', async () => {
      const found = await this.moves
        .find({ state: 'copying', startedAt: { $lte: cutoff } })
        .sort({ startedAt: 1 })
        .limit(limit)
        .toArray();
      const tickets = new Map(
        (await this.tickets.find({ _id: { $in: found.map((m) => m._id) } }).toArray()).map((t) => [t._id, t.tickets]),
      );
      return found.map((m) => ({
        id: m._id,
        mover: m.mover,
        startedAt: m.startedAt,
        tickets: decode(tickets.get(m._id)),
      }));
    });
  }

  /** A move the reconciler settled ticket by ticket: its copies are never archives through it. */
  abandon(id: string, now: Date): Promise<void> {
    return guardedCold(
      'abandoning a move',
      async () =>
        void (await this.moves.updateOne(
          { _id: id, state: 'copying' },
          { $set: { state: 'abandoned', abandonedAt: now } },
        )),
    );
  }

  /** The state of each of these moves that exists. */
  states(ids: string[]): Promise<Map<string, MoveState>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, MoveState>());
    return guardedCold('reading move states', async () => {
      const found = await this.moves.find({ _id: { $in: [...new Set(ids)] } }, { projection: { state: 1 } }).toArray();
      return new Map(found.map((m) => [m._id, m.state]));
    });
  }

  /** The record of one move (an audit's evidence). */
  of(id: string): Promise<StoredMove | undefined> {
    return guardedCold('reading a move', async () => (await this.moves.findOne({ _id: id })) ?? undefined);
  }

  /** Every committed move (for a check over every cold document). */
  committed(): Promise<Set<string>> {
    return guardedCold(
      'reading committed moves',
      async () =>
        new Set(
          (await this.moves.find({ state: 'committed' }, { projection: { _id: 1 } }).toArray()).map((m) => m._id),
        ),
    );
  }
}
