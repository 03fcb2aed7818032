// A command's environment settings as `--help` shows them, generated from the zod schema it validates them with:
// name, default (or "required"), and the description written beside the setting's declaration.
import { z } from 'zod';

interface SettingJson {
  default?: unknown;
  description?: string;
}

const fallbackText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function settingsHelp(schema: z.ZodObject): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, SettingJson>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  const rows = Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    fallback: p.default !== undefined ? fallbackText(p.default) : required.has(name) ? 'required' : '(unset)',
    description: p.description ?? '',
  }));
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const fallbackWidth = Math.min(24, Math.max(...rows.map((r) => r.fallback.length)));
  return [
    '',
    'Environment settings (default, or required):',
    ...rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.fallback.padEnd(fallbackWidth)}  ${r.description}`),
  ].join('\n');
}
