// `ticket-archiver register-connector`: create or update the Debezium connector for the spec's table at
// KAFKA_CONNECT_URL (an idempotent PUT), restart its FAILED connector or tasks (a PUT of an unchanged config restarts
// nothing, and a task failed by a long database outage stays FAILED), and wait until it runs; under DRY_RUN print the definition it would send and
// register nothing.
import { loadConfig } from '../core/settings.ts';
import {
  loadConnectorDefinition,
  registerConnector,
  restartFailedParts,
  waitForConnectorRunning,
} from '../edges/kafkaConnect/index.ts';
import { specOf } from './archiveSpec.ts';
import { registerConnectorSchema } from './commandSettings.ts';

export async function runRegisterConnector(file: string | undefined): Promise<number> {
  const s = loadConfig(process.env, registerConnectorSchema);
  const def = loadConnectorDefinition(specOf(s), file);
  if (s.DRY_RUN) {
    console.log(JSON.stringify(def, null, 2));
    console.error(`dry run: connector ${def.name} was not registered at ${s.KAFKA_CONNECT_URL}`);
    return 0;
  }
  await registerConnector(s.KAFKA_CONNECT_URL, def);
  for (const part of await restartFailedParts(s.KAFKA_CONNECT_URL, def.name))
    console.error(`connector ${def.name}: ${part} was FAILED; restarted`);
  const status = await waitForConnectorRunning(s.KAFKA_CONNECT_URL, def.name, 120_000);
  console.log(`connector ${def.name}: ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',')}`);
  return 0;
}
