// The archive spec a command runs with (runtime/archiveSpecFile.ts), and the settings that follow from it: the
// tickets topic is TICKETS_TOPIC, else the one the connector gives the spec's table.
import type { Topic } from '../core/settings.ts';
import type { ArchiveSpec } from '../core/spec/archiveSpec.ts';
import { ticketsTopicOf } from '../edges/kafkaConnect/index.ts';
import { loadArchiveSpec } from '../runtime/archiveSpecFile.ts';

export function specOf(s: { ARCHIVE_SPEC?: string | undefined }): ArchiveSpec {
  return loadArchiveSpec(s.ARCHIVE_SPEC);
}

export function withSpec<S extends { ARCHIVE_SPEC?: string | undefined; TICKETS_TOPIC?: string | undefined }>(
  s: S,
): { spec: ArchiveSpec; settings: Topic<S> } {
  const spec = specOf(s);
  return { spec, settings: { ...s, TICKETS_TOPIC: s.TICKETS_TOPIC ?? ticketsTopicOf(spec) } };
}
