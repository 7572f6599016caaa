/**
 * The one naming rule for consumer groups: `<topic prefix><service>.<purpose>`, e.g. `alerting.readings`,
 * `dispatch.alerts`, `ingest.registry-view`. The prefix isolates a deployment (or a test) on a shared cluster; the
 * service says whose offsets they are; the purpose tells two consumers of one service apart.
 */
export function consumerGroupName(topicPrefix: string, service: string, purpose: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new Error(`service name ${JSON.stringify(service)} is not lower-case kebab`);
  if (!/^[a-z][a-z0-9-]*$/.test(purpose)) throw new Error(`consumer purpose ${JSON.stringify(purpose)} is not lower-case kebab`);
  return `${topicPrefix}${service}.${purpose}`;
}
