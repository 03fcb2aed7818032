// Our own rules for the rendered manifests, as plain functions from objects to problems (an empty list passes):
// what no schema can know, because it is about this program and this pipeline.
// One file per policy (or pair of close ones); this is the list every overlay must pass.
import { backfillPolicy } from './backfillPolicy.ts';
import { connectorPolicy, topicPolicy } from './connectorPolicy.ts';
import { migrationsPolicy } from './migrationsPolicy.ts';
import type { K8sObject } from './render.ts';
import { reconcilerPolicy } from './reconcilerPolicy.ts';
import { scalingPolicy } from './scalingPolicy.ts';
import { secretPolicy, securityPolicy } from './securityPolicies.ts';
import { probePolicy, servingPolicy } from './servingPolicies.ts';
import { settingsPolicy } from './settingsPolicy.ts';
import { specPolicy } from './specPolicy.ts';

export const policies = {
  settingsPolicy,
  probePolicy,
  servingPolicy,
  scalingPolicy,
  securityPolicy,
  secretPolicy,
  reconcilerPolicy,
  backfillPolicy,
  migrationsPolicy,
  specPolicy,
  connectorPolicy,
  topicPolicy,
};

export function allPolicies(objects: K8sObject[]): string[] {
  return Object.values(policies).flatMap((p) => p(objects));
}
