// No import circle under services/, type-only imports included (a circle of types still ties two modules' meanings
// together, and lint rules such as import-x/no-cycle skip them). Folder rules are the lint's (eslint.config.js).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../infra/local/settings.ts';

const servicesDir = join(projectRoot, 'services');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((s) => resolve(dirname(file), s));
}

/** Every cycle found by a depth-first search, each as the files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

test('services/ has no import circle, type-only imports included', () => {
  const files = sources(servicesDir);
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => i.startsWith(servicesDir))]));
  assert.ok(files.length > 30, `${files.length} files scanned`);
  assert.ok(
    [...graph.values()].some((deps) => deps.length > 0),
    'imports were found',
  );
  const found = cycles(graph).map((c) => c.map((f) => relative(projectRoot, f)).join(' -> '));
  assert.deepEqual(found, []);
});

test('the cycle search finds a circle of type imports', () => {
  const a = '/x/a.ts';
  const b = '/x/b.ts';
  assert.equal(
    cycles(
      new Map([
        [a, [b]],
        [b, [a]],
      ]),
    ).length,
    1,
  );
  assert.equal(
    cycles(
      new Map([
        [a, [b]],
        [b, []],
      ]),
    ).length,
    0,
  );
});
