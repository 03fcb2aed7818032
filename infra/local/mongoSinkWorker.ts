// The benchmark's peer: the stack's Kafka Connect worker restarted with the MongoDB Kafka sink connector's plugin
// directory beside Debezium's. A plain stack start never loads it (no download, no plugin scan); a later stack start
// (e.g. a wiped stack for the next stage) writes the worker's properties anew without it.
import { ensureDebeziumPlugin, ensureKafkaJars, ensureMongoSinkPlugin } from './downloads.ts';
import { ComponentError } from './processes.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { stackSettings } from './settings.ts';
import { connectUrl, startConnect, stopConnect } from './components/connect.ts';
import { loadVersions } from './versions.ts';

export const MONGO_SINK_CLASS = 'com.mongodb.kafka.connect.MongoSinkConnector';

/**
 * Restarts the running stack's Connect worker (stack variables `env`) with `plugin.path` = Debezium's directory and
 * the MongoDB sink's (fetched from Maven Central into the cache the first time). The tickets connector is registered
 * again with the shipped configuration, as every worker start does. Returns the worker's REST URL.
 */
export async function restartConnectWithMongoSink(env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<string> {
  const s = stackSettings(env);
  const v = loadVersions();
  const lib = ensureKafkaJars(s, v, log);
  const pluginPath = [ensureDebeziumPlugin(s, v, log), ensureMongoSinkPlugin(s, v, log)].join(',');
  if (await stopConnect(s)) log('kafka-connect stopped (to load the MongoDB sink plugin)');
  const url = await startConnect(s, lib, pluginPath, loadOrCreateSecrets(s.secretsFile), log);
  const res = await fetch(`${connectUrl(s)}/connector-plugins`, { signal: AbortSignal.timeout(10_000) });
  const plugins = (await res.json()) as Array<{ class: string; version?: string }>;
  const sink = plugins.find((p) => p.class === MONGO_SINK_CLASS);
  if (!sink) throw new ComponentError('kafka-connect', `${MONGO_SINK_CLASS} is not loaded from ${pluginPath}`);
  log(`kafka-connect: MongoDB sink connector ${sink.version ?? ''} loaded`);
  return url;
}
