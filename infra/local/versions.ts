// Typed view of infra/local/versions.json, the single place where downloaded versions are pinned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './settings.ts';

const goModule = z.object({
  module: z.string(),
  version: z.string(),
  goSum: z.string().startsWith('h1:'),
});

const versionsSchema = z.object({
  kafka: z.object({
    version: z.string(),
    scala: z.string(),
    slf4jReload4j: z.string(),
    sha1: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)),
  }),
  debezium: z.object({
    version: z.string(),
    sha1: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)),
  }),
  mongoKafkaSink: z.object({
    version: z.string(),
    classifier: z.string(),
    sha1: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)),
  }),
  ferretdb: goModule,
  toxiproxy: goModule,
  documentdb: z.object({
    debianSuite: z.string(),
    mirror: z.string().url(),
    packages: z.array(z.string()).min(1),
    postgresMajor: z.number().int(),
    documentdbMajor: z.number().int(),
    lastInstalled: z.record(z.string(), z.string()),
  }),
  postgres: z.object({ major: z.number().int(), debianPackage: z.string() }),
  prometheus: z.object({ debianPackage: z.string(), debianVersion: z.string() }),
  kubernetes: z.object({
    version: z.string().regex(/^v1\.\d+\.\d+$/),
    kustomize: z.object({ module: z.string(), version: z.string() }),
    kubernetesValidate: z.string(),
    etcd: z.object({ debianPackage: z.string(), debianVersion: z.string() }),
  }),
  strimzi: z.object({ version: z.string(), jackson: z.string() }),
  image: z.object({
    dockerBase: z.string(),
    debianSuite: z.string(),
    mirror: z.string().url(),
    nodejsMajor: z.number().int(),
    lastInstalled: z.record(z.string(), z.string()),
  }),
  schemathesis: z.object({ version: z.string().regex(/^\d+\.\d+\.\d+$/) }),
});

export type Versions = z.infer<typeof versionsSchema>;

export function loadVersions(): Versions {
  return versionsSchema.parse(JSON.parse(readFileSync(join(projectRoot, 'infra/local/versions.json'), 'utf8')));
}
