// The settings reference and every command's --help come from the same zod schemas: the committed reference must be
// what they give now, and every setting must say what it is.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { settingsReference, settingsReferenceFile } from '../../infra/docs/settingsReference.ts';
import { COMMAND_SETTINGS } from '../../services/cli/commandSettings.ts';
import { settingRows, settingsHelp } from '../../services/cli/settingsHelp.ts';

describe('settings reference', () => {
  it('is current (npm run docs:settings writes it)', () => {
    assert.equal(
      readFileSync(settingsReferenceFile, 'utf8'),
      settingsReference(),
      'docs/settings-reference.md is out of date: run npm run docs:settings',
    );
  });
  it('describes every setting of every command, and --help lists each with its default', () => {
    for (const [command, schema] of Object.entries(COMMAND_SETTINGS)) {
      const help = settingsHelp(schema);
      for (const row of settingRows(schema)) {
        assert.ok(row.description.length > 0, `${command}: ${row.name} has no description`);
        assert.match(help, new RegExp(`\\n  ${row.name} +${row.fallback.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
      }
    }
    assert.match(settingsHelp(COMMAND_SETTINGS.archive), /COLD_AFTER +30d +how long a ticket in the cold state/);
    assert.match(settingsHelp(COMMAND_SETTINGS.archive), /INSTANCE_NAME +<host>-<pid>/);
  });
});
