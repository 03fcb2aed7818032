// A command's environment settings as `--help` shows them (and docs/settings-reference.md lists them), generated from
// the zod schema it validates them with: name, default (or "required"), and the description written beside the
// setting's declaration. A default that depends on the host (INSTANCE_NAME) says so through `shownDefault` metadata.
import { z } from 'zod';

interface SettingJson {
  default?: unknown;
  shownDefault?: string;
  description?: string;
}

export interface SettingRow {
  name: string;
  /** The default as text, "required", or "(unset)". */
  fallback: string;
  description: string;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function settingRows(schema: z.ZodObject): SettingRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, SettingJson>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    fallback:
      p.shownDefault ?? (p.default !== undefined ? asText(p.default) : required.has(name) ? 'required' : '(unset)'),
    description: p.description ?? '',
  }));
}

export function settingsHelp(schema: z.ZodObject): string {
  const rows = settingRows(schema);
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const fallbackWidth = Math.min(24, Math.max(...rows.map((r) => r.fallback.length)));
  return [
    '',
    'Environment settings (default, or required):',
    ...rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.fallback.padEnd(fallbackWidth)}  ${r.description}`),
  ].join('\n');
}
