// The environment settings each command reads, as the zod schemas it validates them with: its `--help` lists them
// (settingsHelp.ts), and a variable that none of them knows but that looks like one of them gets a warning
// (unknownSettings.ts). The services' own schemas live with the services; the small commands' are here.
import { z } from 'zod';
import { archiverSchema } from '../archiver/settings.ts';
import { backfillSchema } from '../backfill/settings.ts';
import { commandSchema, configSchema, jobDatabaseUrls, url } from '../core/settings.ts';
import { readApiSchema } from '../readApi/settings.ts';
import { reconcilerSchema } from '../reconciler/settings.ts';
import { statusSchema } from '../status/settings.ts';

const { DRY_RUN, ARCHIVER_GROUP_ID } = commandSchema.shape;

export const migrateSchema = configSchema
  .pick({ DATABASE_URL: true, ARCHIVE_SPEC: true, COLD_AFTER: true })
  .extend({ MIGRATIONS_DATABASE_URL: jobDatabaseUrls.MIGRATIONS_DATABASE_URL, DRY_RUN });

export const registerConnectorSchema = z.object({
  KAFKA_CONNECT_URL: url(['http:', 'https:'], 'http://host:8083').describe("Kafka Connect's REST API"),
  ARCHIVE_SPEC: configSchema.shape.ARCHIVE_SPEC,
  DRY_RUN,
});

export const restoreSchema = configSchema
  .pick({ DATABASE_URL: true, MONGODB_URL: true, COLD_DATABASE: true, ARCHIVE_SPEC: true })
  .extend({ RESTORE_DATABASE_URL: jobDatabaseUrls.RESTORE_DATABASE_URL, DRY_RUN });

export const storesSchema = configSchema.pick({
  DATABASE_URL: true,
  MONGODB_URL: true,
  COLD_DATABASE: true,
  ARCHIVE_SPEC: true,
});
export const coldStoreSchema = configSchema.pick({ MONGODB_URL: true, COLD_DATABASE: true, ARCHIVE_SPEC: true });
export const planSchema = configSchema.pick({ DATABASE_URL: true, COLD_AFTER: true, ARCHIVE_SPEC: true });
export const auditSchema = storesSchema.extend({ ARCHIVER_GROUP_ID });

/** Every command's settings, by command name. */
export const COMMAND_SETTINGS = {
  migrate: migrateSchema,
  'register-connector': registerConnectorSchema,
  archive: archiverSchema,
  serve: readApiSchema,
  backfill: backfillSchema,
  restore: restoreSchema,
  reconcile: reconcilerSchema,
  verify: storesSchema,
  status: statusSchema,
  plan: planSchema,
  history: coldStoreSchema,
  audit: auditSchema,
  stuck: coldStoreSchema,
} as const satisfies Record<string, z.ZodObject>;

export type CommandName = keyof typeof COMMAND_SETTINGS;

/** Commands that would write but cannot honour DRY_RUN: they refuse it rather than write. */
export const REFUSES_DRY_RUN: Partial<Record<CommandName, string>> = {
  serve: 'serve answers reads and restores; run `restore` with DRY_RUN=true to see what a restore would do',
};
