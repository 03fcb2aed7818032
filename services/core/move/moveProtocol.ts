// How a move writes each ticket to the cold store once, and when a cold document is an archive.
//
//   1. begin     the move's record (id, mover, tickets and versions) is written, state `copying`
//   2. copy      each ticket's document is written once, state `inMove`, naming the move
//   3. delete    the hot rows still cold and unchanged are deleted, each recorded in the hot ledger (one transaction)
//   4. settle    copies that did not become archives go (changed, reopened, deleted by the business) or are demoted
//                to `copied` (stuck: they stay hot); copies kept from earlier moves are confirmed `archived` one by one
//   5. commit    the move's record turns `committed`: every `inMove` document of the move is an archive from now on
//
// A reader of the cold tier takes a document for an archive only if its state is `archived`, or `inMove` and its
// move is committed, so a copy whose hot row is not yet deleted is never taken for one. A crash before 5 leaves the
// move `copying`: the reconciler settles its tickets through a new move after ORPHAN_GRACE (each ends in exactly one
// tier; the ledger says what was deleted) and marks it `abandoned`. In the common case a ticket costs one write; the
// move's record costs two per batch.
import type { CopyState } from './coldDocument.ts';

export type MoveState = 'copying' | 'committed' | 'abandoned';

/** Whether a cold document is an archive, given the state of the move that wrote it. */
export function isArchive(archive: { state: CopyState; move?: string }, moveState: MoveState | undefined): boolean {
  return archive.state === 'archived' || (archive.state === 'inMove' && moveState === 'committed');
}
