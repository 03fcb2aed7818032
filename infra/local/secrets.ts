// Passwords of the local stack, generated on first start and kept in <stack>/secrets.json (mode 0600).
// They never appear in committed files; Kafka Connect receives the Debezium password through its environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({
  postgresSuperuser: z.string().min(16),
  archiver: z.string().min(16),
  debezium: z.string().min(16),
});

export type StackSecrets = z.infer<typeof secretsSchema>;

export function loadOrCreateSecrets(file: string): StackSecrets {
  if (existsSync(file)) return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const fresh = () => randomBytes(18).toString('base64url');
  const secrets: StackSecrets = { postgresSuperuser: fresh(), archiver: fresh(), debezium: fresh() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
