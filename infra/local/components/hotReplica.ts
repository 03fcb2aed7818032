// A streaming replica of the hot database, as production runs beside its primary: pg_basebackup's copy, kept current
// through a physical slot, read-only (hot standby). The throttle reads its replay lag from the primary
// (THROTTLE_REPLICA_LAG). Started when asked (STACK_PG_REPLICA=true, or a test), not by default: replay costs this
// small machine a share of a core on every write.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackSettings } from '../settings.ts';
import type { StackSecrets } from '../secrets.ts';
import type { Versions } from '../versions.ts';
import { hotClusterSpec } from './postgres.ts';
import { asSuperuser, clusterRunning, startCluster, stopCluster, superuserUrl, type ClusterSpec } from './pgCluster.ts';

/** The primary's physical slot for the replica: it keeps the WAL the replica has not received, however long it is away. */
export const REPLICA_SLOT = 'ticket_archiver_stack_replica';

const NAMES = { name: 'postgres-replica', dirName: 'postgres-replica' } as const;

export function hotReplicaSpec(s: StackSettings, secrets: StackSecrets): ClusterSpec {
  const primary = hotClusterSpec(s, secrets);
  return {
    ...primary,
    ...NAMES,
    port: s.STACK_PG_REPLICA_PORT,
    portVariable: 'STACK_PG_REPLICA_PORT',
    settings: [
      ...primary.settings,
      '# Replay position reported every second (default 10 s): the lag the throttle reads stays current.',
      'wal_receiver_status_interval = 1s',
    ],
    standbyOf: { primaryUrl: superuserUrl(primary, 'postgres'), slot: REPLICA_SLOT },
  };
}

/** The replica's superuser URL (tests pause and resume its replay through it). */
export function hotReplicaUrl(s: StackSettings, secrets: StackSecrets): string {
  return superuserUrl(hotReplicaSpec(s, secrets), 'postgres');
}

export function hotReplicaRunning(s: StackSettings, v: Versions): boolean {
  return clusterRunning(s, v, NAMES);
}

/** Copies the primary on first use, starts the replica, and waits until the primary sees it streaming. */
export async function startHotReplica(
  s: StackSettings,
  v: Versions,
  secrets: StackSecrets,
  log: (m: string) => void,
): Promise<string> {
  const spec = hotReplicaSpec(s, secrets);
  const primary = hotClusterSpec(s, secrets);
  // A slot left by a replica whose data was removed by hand: pg_basebackup would refuse to create it again.
  if (!existsSync(join(s.dataDir, NAMES.dirName, 'pgdata', 'PG_VERSION'))) await dropSlot(primary);
  await startCluster(s, v, spec, log);
  const deadline = Date.now() + s.STACK_START_TIMEOUT * 1000;
  for (;;) {
    const streaming = await asSuperuser(primary, 'postgres', async (c) => {
      const r = await c.query(
        `SELECT 1 FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid
          WHERE s.slot_name = $1 AND r.state = 'streaming'`,
        [REPLICA_SLOT],
      );
      return (r.rowCount ?? 0) > 0;
    });
    if (streaming) break;
    if (Date.now() > deadline)
      throw new Error(`${spec.name}: not streaming from the primary after ${s.STACK_START_TIMEOUT} s`);
    await sleep(250);
  }
  log(`${spec.name}: streaming from the primary through slot ${REPLICA_SLOT}`);
  return hotReplicaUrl(s, secrets);
}

export function stopHotReplica(s: StackSettings, v: Versions): boolean {
  return stopCluster(s, v, NAMES);
}

/** Stops the replica, drops its slot (a slot nobody reads would keep WAL on the primary), and removes its data. */
export async function removeHotReplica(s: StackSettings, v: Versions, secrets: StackSecrets): Promise<void> {
  stopHotReplica(s, v);
  const primary = hotClusterSpec(s, secrets);
  // The primary's walsender lets the slot go a moment after the replica has stopped.
  for (let attempt = 0; (await dropSlot(primary)) > 0; attempt++) {
    if (attempt >= 40) throw new Error(`slot ${REPLICA_SLOT} still active 10 s after the replica stopped`);
    await sleep(250);
  }
  rmSync(join(s.dataDir, NAMES.dirName), { recursive: true, force: true });
}

/** Drops the replica's slot unless a replica reads it; returns how many such slots are left (0 or 1). */
async function dropSlot(primary: ClusterSpec): Promise<number> {
  return asSuperuser(primary, 'postgres', async (c) => {
    await c.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
      [REPLICA_SLOT],
    );
    return (await c.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [REPLICA_SLOT])).rowCount ?? 0;
  });
}
