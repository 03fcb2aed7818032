// Passwords of the local stack, generated on first start and kept in <stack>/secrets.json (mode 0600).
// They never appear in committed files; Kafka Connect receives the Debezium password through its environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({
  postgresSuperuser: z.string().min(16),
  archiver: z.string().min(16),
  mover: z.string().min(16),
  restorer: z.string().min(16),
  reader: z.string().min(16),
  debezium: z.string().min(16),
  coldStoreSuperuser: z.string().min(16),
  ferretdb: z.string().min(16),
  // The TLS mode's: Kafka's SCRAM users (the broker itself, Connect, the services) and the broker's keystore.
  kafkaBroker: z.string().min(16),
  kafkaConnect: z.string().min(16),
  kafkaArchiver: z.string().min(16),
  keystore: z.string().min(16),
});

export type StackSecrets = z.infer<typeof secretsSchema>;

export function loadOrCreateSecrets(file: string): StackSecrets {
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const fresh = () => randomBytes(18).toString('base64url');
  // Missing entries (a stack created by an older version) are generated and kept; existing ones never change.
  const filled = Object.fromEntries(Object.keys(secretsSchema.shape).map((k) => [k, existing[k] ?? fresh()]));
  const secrets = secretsSchema.parse(filled);
  if (Object.keys(secretsSchema.shape).some((k) => existing[k] === undefined)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
