// The program a container runs (its ticket-archiver subcommand): the settings schema it parses and the endpoints it
// answers, so the policies judge a manifest by the program's own rules.
import type { z } from 'zod';
import { archiverSchema } from '../../../services/archiver/settings.ts';
import { backfillSchema } from '../../../services/backfill/settings.ts';
import { migrateSchema } from '../../../services/cli/commandSettings.ts';
import type { JobDatabaseUrl } from '../../../services/core/settings.ts';
import { readApiSchema } from '../../../services/readApi/settings.ts';
import { reconcilerSchema } from '../../../services/reconciler/settings.ts';
import type { Workload } from './workloads.ts';

/** What a container's program reads: its settings schema, and the variable (if any) it takes DATABASE_URL from when
 * that is set (core/settings.ts withJobDatabaseUrl, as services/cli does for the job's own role). */
export interface Program {
  schema: z.ZodObject;
  jobDatabaseUrl?: JobDatabaseUrl;
  /** The endpoints it answers on HTTP_PORT (services/runtime/httpEndpoints.ts, services/readApi/serve.ts), by probe:
   * the ones a container must have, and the ones it may have. */
  probes?: { required: Partial<Record<ProbeName, string>>; optional: Partial<Record<ProbeName, string>> };
}

type ProbeName = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** The program a container runs, by its subcommand (and arguments: `migrate --check` reads the movers' DATABASE_URL,
 * not MIGRATIONS_DATABASE_URL). */
export function programOf(w: Workload): Program | undefined {
  const command = [...(w.container.command ?? []), ...(w.container.args ?? [])];
  const sub = command[0] === 'ticket-archiver' ? command[1] : undefined;
  if (sub === 'archive')
    return {
      schema: archiverSchema,
      probes: {
        required: { livenessProbe: '/healthz', readinessProbe: '/readyz', startupProbe: '/healthz' },
        optional: {},
      },
    };
  if (sub === 'serve')
    return {
      schema: readApiSchema,
      jobDatabaseUrl: 'READ_DATABASE_URL',
      probes: {
        required: { livenessProbe: '/healthz', readinessProbe: '/readyz' },
        optional: { startupProbe: '/healthz' },
      },
    };
  if (sub === 'reconcile') return { schema: reconcilerSchema };
  if (sub === 'backfill') return { schema: backfillSchema };
  if (sub === 'migrate')
    return {
      schema: migrateSchema,
      jobDatabaseUrl: command.includes('--check') ? undefined : 'MIGRATIONS_DATABASE_URL',
    };
  return undefined;
}

/** A value of the right shape for a secret the manifests reference by name, so the schema can parse the rest. */
export function standInSecret(variable: string): string {
  if (variable.endsWith('DATABASE_URL')) return 'postgres://archiver:secret@hot-db:5432/tickets';
  if (variable === 'MONGODB_URL') return 'mongodb://archiver:secret@cold-store:27017/tickets';
  if (variable === 'API_TOKEN') return 'stand-in-token-0123456789abcdef';
  return 'secret';
}

/** Whether the program reads the archive spec (ARCHIVE_SPEC): then its container must be given the spec's file. */
export const readsSpec = (p: Program | undefined): boolean => p !== undefined && 'ARCHIVE_SPEC' in p.schema.shape;
