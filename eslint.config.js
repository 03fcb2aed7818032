// Lint rules: typescript-eslint's recommended type-aware set, so promise misuse (a floating promise can lose a move's
// failure) is caught before it ships; and the architecture, so a file's folder tells what it may import:
//   services/core      pure: zod, lossless-json, node:crypto and each other; no driver, no I/O module, no process.env
//   services/edges/X   one server each (hotStore: pg, coldStore: mongodb, kafka: kafkajs, kafkaConnect: fetch);
//                      core, shipped/ and its own files only, never another edge or a service
//   services/runtime   process plumbing (logs, HTTP endpoints, throttle and progress loops, chart images); core only
//   services/shipped   the files shipped beside the code (migrations, connector) and the version: Node only
//   services/movers    what every mover opens (movers' kit): core, runtime and each edge's index.ts
//   services/<service> archiver, reconciler, backfill, verify, restore, status, plan, history, audit: core, runtime
//                      and each edge's index.ts (the movers also movers/); no driver
//   services/readApi   the read API (`serve`): like a service, and restore's service too
//   services/client    the read API's typed client: openapi-fetch and its own files only
//   services/cli       the program: everything above, edges through their index.ts
// No TypeScript file under services/, infra/ or test/ over 250 lines (one file, one idea), but the generated read API
// client (services/client/openapi.ts, written by `npm run api:client`). No import circle under services/:
// test/unit/architecture.test.ts, which also sees circles of type-only imports (a lint rule such as import-x/no-cycle
// skips those).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DRIVERS = ['pg', 'mongodb', 'kafkajs'];
const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'os',
  'node:os',
];
const SERVICES = 'archiver|reconciler|backfill|verify|restore|status|plan|history|audit|readApi|cli|movers';

const why = {
  driver: 'a server is touched only through its edge under services/edges/',
  core: 'the core is pure: no server, no I/O, no logging or metrics library; it is handed what it needs',
  edgeInternals: 'use the edge through its index.ts: its surface speaks the ticket domain',
};

/** One no-restricted-imports setting per folder (flat config does not merge a rule's options across blocks). */
function restrict({ paths = [], patterns = [] }) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}
const forbid = (names, message) => names.map((name) => ({ name, message }));
const driversExcept = (own) =>
  forbid(
    DRIVERS.filter((d) => d !== own),
    why.driver,
  );

const edge = (folder, driver) => ({
  files: [`services/edges/${folder}/**/*.ts`],
  rules: restrict({
    paths: driversExcept(driver),
    patterns: [
      { regex: `(^|/)(runtime|${SERVICES})/`, message: 'an edge serves the services; it never imports one' },
      {
        regex: '^\\.\\./(hotStore|coldStore|kafka|kafkaConnect)/',
        message: 'one edge per server: edges do not import each other',
      },
    ],
  }),
});

const wiring = (folders, extra = []) => ({
  files: folders.map((f) => `services/${f}/**/*.ts`),
  rules: restrict({
    paths: forbid(DRIVERS, why.driver),
    patterns: [{ regex: '(^|/)edges/[^/]+/(?!index\\.ts$)', message: why.edgeInternals }, ...extra],
  }),
});

export default tseslint.config(
  // The generated read API client is left as `npm run api:client` writes it, as Prettier leaves it (.prettierignore).
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', '.stack-*/**', 'services/client/openapi.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs describe/it itself; their returned promises are not ours to await.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['services/**/*.ts', 'infra/**/*.ts', 'test/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 250 }],
    },
  },
  {
    files: ['services/core/**/*.ts'],
    rules: {
      ...restrict({
        paths: [
          ...forbid(DRIVERS, why.driver),
          ...forbid(['pino', 'prom-client', 'commander', 'cli-progress', 'fastify', ...IO_MODULES], why.core),
        ],
        patterns: [
          { regex: `(^|/)(edges|runtime|${SERVICES}|infra|test)/`, message: 'the core imports only the core' },
        ],
      }),
      'no-restricted-globals': [
        'error',
        { name: 'process', message: `${why.core} (settings arrive as a parsed object)` },
      ],
    },
  },
  edge('hotStore', 'pg'),
  edge('coldStore', 'mongodb'),
  edge('kafka', 'kafkajs'),
  edge('kafkaConnect', undefined),
  {
    files: ['services/runtime/**/*.ts'],
    rules: restrict({
      paths: forbid(DRIVERS, why.driver),
      patterns: [{ regex: `(^|/)(edges|${SERVICES})/`, message: 'runtime plumbing knows no server and no service' }],
    }),
  },
  ...['verify', 'restore', 'status', 'plan', 'history', 'audit'].map((service) =>
    wiring(
      [service],
      [
        {
          regex: `^\\.\\./(?!core/|edges/|runtime/)`,
          message: 'a service imports the core, the edges and the runtime, not another service',
        },
      ],
    ),
  ),
  // The movers share what they open (movers/, the movers' kit), and nothing else of each other.
  ...['archiver', 'reconciler', 'backfill', 'movers'].map((service) =>
    wiring(
      [service],
      [
        {
          regex: `^\\.\\./(?!core/|edges/|runtime/|movers/)`,
          message: "a mover imports the core, the edges, the runtime and the movers' kit, not another service",
        },
      ],
    ),
  ),
  {
    files: ['services/shipped/**/*.ts'],
    rules: restrict({
      patterns: [{ regex: '^\\.', message: 'shipped/ stands alone: Node only, so anything may import it' }],
    }),
  },
  // The read API reopens tickets through restore's service: the one restore there is.
  wiring(
    ['readApi'],
    [
      {
        regex: `^\\.\\./(?!core/|edges/|runtime/|restore/)`,
        message: 'the read API imports the core, the edges, the runtime and restore',
      },
    ],
  ),
  wiring(['cli']),
  {
    files: ['services/client/**/*.ts'],
    rules: restrict({
      patterns: [
        {
          regex: '^\\.\\./',
          message: 'the client stands alone: callers take this folder without the rest of the product',
        },
      ],
    }),
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
