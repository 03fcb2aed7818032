// The benchmark charts must come out as real images with their text drawn, not blank or label-less PNGs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawDistributionChart, drawLineChart } from '../bench/charts.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function assertChart(pngPath: string, texts: string[]): Promise<void> {
  const png = await readFile(pngPath);
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), `${pngPath} is not a PNG`);
  assert.ok(png.length > 8 * 1024, `${pngPath} is only ${png.length} bytes`);
  const svg = await readFile(pngPath.replace(/\.png$/, '.svg'), 'utf8');
  for (const text of texts) assert.ok(svg.includes(`>${text}</text>`), `the SVG has no text "${text}"`);
}

/** A deterministic pseudo-random source, so the test draws the same picture every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

test('draws a line chart as PNG and SVG, skipping empty series', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-charts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const series = ['steady', 'bursty'].map((name, k) => ({
    name,
    points: Array.from({ length: 40 }, (_, i) => ({ x: i, y: 1000 + 300 * k * Math.sin(i / 3) + 10 * i })),
  }));
  const file = join(dir, 'nested', 'throughput');
  const pngPath = await drawLineChart(file, {
    title: 'Moves per second',
    xTitle: 'elapsed (s)',
    yTitle: 'moves/s',
    series: [...series, { name: 'nothing', points: [] }],
  });
  assert.equal(pngPath, `${file}.png`);
  assert.equal((await stat(`${file}.svg`)).isFile(), true);
  await assertChart(pngPath, ['Moves per second', 'elapsed (s)', 'moves/s', 'steady', 'bursty']);
  assert.ok(!(await readFile(`${file}.svg`, 'utf8')).includes('>nothing</text>'), 'an empty series got a legend entry');
});

test('draws a cumulative distribution on a log axis, downsampling large series', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-charts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const random = lcg(42);
  const pngPath = await drawDistributionChart(join(dir, 'latency'), {
    title: 'Move latency',
    xTitle: 'latency (ms)',
    logX: true,
    series: [
      { name: 'archive', values: Array.from({ length: 100_000 }, () => Math.exp(1 + 2 * random())) },
      { name: 'restore', values: Array.from({ length: 300 }, () => 20 * random() ** 3 + 0.5) },
    ],
  });
  await assertChart(pngPath, ['Move latency', 'latency (ms)', 'archive', 'restore']);
  const svg = await readFile(pngPath.replace(/\.png$/, '.svg'), 'utf8');
  assert.ok(svg.length < 200_000, `the SVG is ${svg.length} characters: large series were not downsampled`);
});

test('refuses a chart whose every series is empty', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-charts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    drawLineChart(join(dir, 'empty'), {
      title: 'Empty',
      xTitle: 'x',
      yTitle: 'y',
      series: [{ name: 'a', points: [] }],
    }),
    /every series of "Empty" is empty/,
  );
  await assert.rejects(
    drawDistributionChart(join(dir, 'empty'), { title: 'Empty', xTitle: 'x', series: [] }),
    /every series of "Empty" is empty/,
  );
});
