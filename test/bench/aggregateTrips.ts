// Loaded into a backfill process by the aggregates part (node --import, before the program): counts the process's
// round trips, each PostgreSQL statement by kind (aggregateMath.ts's queryLabel) and each cold-store call by collection
// and method, with when it began and how long it was waited on, and writes them as JSON to BENCH_ROUND_TRIPS_FILE
// when the process exits (the benchmark then tells the program's start from its moves: tripsSince). The program's own code is not changed: the drivers' prototypes are
// wrapped, and the same module instances serve the program's imports (pg's ESM entry re-exports its CommonJS one;
// mongodb is CommonJS).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { queryLabel, type TripCall } from './aggregateMath.ts';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const file = process.env.BENCH_ROUND_TRIPS_FILE;
if (file) {
  const require = createRequire(import.meta.url);
  const calls: TripCall[] = [];
  /** Calls made by a wrapped call before it returns (the driver's insertMany calls its bulkWrite) are not counted. */
  let depth = 0;
  /** Wraps `proto[name]`, naming each call by `label`; a promise's time is counted until it settles. */
  const wrap = (proto: Record<string, unknown>, name: string, label: (self: unknown, args: unknown[]) => string) => {
    const original = proto[name] as Method | undefined;
    if (typeof original !== 'function') return;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (depth > 0) return original.apply(this, args);
      const at = performance.timeOrigin + performance.now();
      const what = label(this, args);
      const note = () => calls.push([what, Math.round(at), performance.timeOrigin + performance.now() - at]);
      depth++;
      let result: unknown;
      try {
        result = original.apply(this, args);
      } finally {
        depth--;
      }
      if (result && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(note, note);
      else note();
      return result;
    };
  };
  const pg = require('pg') as { Client: { prototype: Record<string, unknown> } };
  wrap(pg.Client.prototype, 'query', (_self, args) => {
    const q = args[0];
    const text = typeof q === 'string' ? q : ((q as { text?: string } | undefined)?.text ?? '?');
    return `pg ${queryLabel(text)}`;
  });
  const mongodb = require('mongodb') as { Collection: { prototype: Record<string, unknown> } };
  const methods = [
    'insertOne',
    'insertMany',
    'bulkWrite',
    'updateOne',
    'updateMany',
    'replaceOne',
    'deleteOne',
    'deleteMany',
    'findOne',
    'findOneAndUpdate',
    'countDocuments',
    'createIndex',
    'createIndexes',
    // Cursors: the call is counted, not the time to read them.
    'find',
    'aggregate',
  ];
  for (const m of methods)
    wrap(
      mongodb.Collection.prototype,
      m,
      (self) => `cold ${(self as { collectionName?: string }).collectionName}.${m}`,
    );
  process.on('exit', () => writeFileSync(file, JSON.stringify(calls)));
}
