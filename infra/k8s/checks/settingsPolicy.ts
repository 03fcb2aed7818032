// The settings policy: a container's environment is what its program accepts, checked by the program's own schema.
import type { z } from 'zod';
import { ConfigError } from '../../../services/core/errors.ts';
import { kafkaSecurity } from '../../../services/core/kafkaSecurity.ts';
import { withJobDatabaseUrl, type Config } from '../../../services/core/settings.ts';
import { programOf, standInSecret } from './programs.ts';
import type { K8sObject } from './render.ts';
import { containerEnv, where, workloads } from './workloads.ts';

/** Every variable a container sets is one its program's schema accepts, every required one is set, all parse, and the
 * Kafka security settings agree with each other as the program checks them at start (core/kafkaSecurity.ts). */
export function settingsPolicy(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap((w) => {
    const program = programOf(w);
    if (!program)
      return [
        `${where(w)}: runs ${JSON.stringify(w.container.command)}, not a ticket-archiver subcommand this check knows`,
      ];
    const { schema, jobDatabaseUrl } = program;
    const { env: set, problems } = containerEnv(objects, w, (r) => standInSecret(r.variable));
    // What the program parses: its own variable for the job's role, when set, stands for DATABASE_URL.
    const env = jobDatabaseUrl ? (withJobDatabaseUrl(set, jobDatabaseUrl) as Record<string, string>) : set;
    const known = [...Object.keys(schema.shape), ...(jobDatabaseUrl ? [jobDatabaseUrl] : [])];
    for (const name of Object.keys(set))
      if (!known.includes(name))
        problems.push(`${where(w)}: ${name} is not a setting of ${(w.container.command ?? []).slice(0, 2).join(' ')}`);
    if (jobDatabaseUrl && 'DATABASE_URL' in set && jobDatabaseUrl in set)
      problems.push(
        `${where(w)}: DATABASE_URL is set but unused (${jobDatabaseUrl} is the program's database URL): a credential the pod does not need`,
      );
    for (const name of Object.keys(schema.shape)) {
      const alias = name === 'DATABASE_URL' && jobDatabaseUrl ? ` (or ${jobDatabaseUrl})` : '';
      if (!(name in env) && !(schema.shape as Record<string, z.ZodType>)[name]!.safeParse(undefined).success)
        problems.push(`${where(w)}: required setting ${name}${alias} is not set`);
    }
    const parsed = schema.safeParse(env);
    if (!parsed.success)
      for (const issue of parsed.error.issues) problems.push(`${where(w)}: ${issue.path.join('.')}: ${issue.message}`);
    else if ('KAFKA_BROKERS' in schema.shape) {
      try {
        kafkaSecurity(parsed.data as Config);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) problems.push(`${where(w)}: ${p}`);
      }
    }
    return problems;
  });
}
