// Reads a V8 CPU profile (node --cpu-prof) of an archiver into self time per function and per area (our modules,
// each npm package, Node internals, garbage collection, idle), the "where the time goes" of the report.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalSeconds: number;
  /** Share of the profiled wall time the process was idle (waiting on the stores). */
  idleShare: number;
  byArea: Array<{ area: string; seconds: number; share: number }>;
  topFunctions: Array<{ name: string; area: string; seconds: number; share: number }>;
}

/** Where a function lives: an npm package, one of our modules, Node itself, or V8's own pseudo-frames. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  if (url.startsWith('node:')) return 'Node internals';
  const ours = /\/(services\/[^?]+|test\/[^?]+|infra\/[^?]+)/.exec(url);
  return ours ? (ours[1] as string) : url;
}

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfMicros.values()].reduce((s, v) => s + v, 0);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { area: string; micros: number }>();
  for (const [id, micros] of selfMicros) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    const file = frame.url ? frame.url.split('/').slice(-1)[0] : '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` (${file}:${frame.lineNumber + 1})` : ''}`;
    const entry = byFunction.get(name) ?? { area, micros: 0 };
    entry.micros += micros;
    byFunction.set(name, entry);
  }
  const share = (micros: number) => (total > 0 ? Math.round((micros / total) * 1000) / 10 : 0);
  const seconds = (micros: number) => Math.round(micros / 10_000) / 100;
  return {
    totalSeconds: seconds(total),
    idleShare: share(byArea.get('(idle)') ?? 0),
    byArea: [...byArea]
      .sort((a, b) => b[1] - a[1])
      .map(([area, micros]) => ({ area, seconds: seconds(micros), share: share(micros) })),
    topFunctions: [...byFunction]
      .filter(([, v]) => v.area !== '(idle)')
      .sort((a, b) => b[1].micros - a[1].micros)
      .slice(0, top)
      .map(([name, v]) => ({ name, area: v.area, seconds: seconds(v.micros), share: share(v.micros) })),
  };
}

export function readProfile(file: string): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
}
