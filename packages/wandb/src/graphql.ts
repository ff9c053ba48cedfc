// The GraphQL operations a W&B client sends (spec wandb-protocol.md §1); the server matches them by text.

export const VIEWER_QUERY = 'query Viewer{ viewer { id entity username email flags teams { edges { node { name } } } } }';

export const UPSERT_BUCKET_MUTATION = `mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String,
  $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString,
  $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String,
  $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {
  upsertBucket(input: { id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity,
    description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit,
    host: $host, debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state,
    sweep: $sweep, tags: $tags, summaryMetrics: $summaryMetrics }) {
    bucket { id name displayName description config sweepName
             project { id name entity { id name } } historyLineCount }
    inserted } }`;

export const RUN_RESUME_STATUS_QUERY = `query RunResumeStatus($project: String, $entity: String, $name: String!) { model(name: $project, entityName: $entity) {
  id name entity { id name } bucket(name: $name, missingOk: true) { id name summaryMetrics displayName logLineCount
  historyLineCount eventsLineCount historyTail eventsTail config tags notes wandbConfig(keys: ["t"]) } } }`;

/** Every UpsertBucket variable, `null` when unset (the W&B client always sends all of them). */
export function upsertVariables(given: Partial<Record<UpsertVariable, unknown>>): Record<UpsertVariable, unknown> {
  const out = {} as Record<UpsertVariable, unknown>;
  for (const name of UPSERT_VARIABLES) out[name] = given[name] ?? null;
  return out;
}

const UPSERT_VARIABLES = [
  'id',
  'name',
  'project',
  'entity',
  'groupName',
  'description',
  'displayName',
  'notes',
  'commit',
  'config',
  'host',
  'debug',
  'program',
  'repo',
  'jobType',
  'state',
  'sweep',
  'tags',
  'summaryMetrics',
] as const;
export type UpsertVariable = (typeof UPSERT_VARIABLES)[number];

/** Run config as UpsertBucket wants it: a JSON string, each top-level key wrapped as `{"value": v}`, plus `_wandb.t`. */
export function encodeRunConfig(config: Readonly<Record<string, unknown>>): string {
  const wrapped: Record<string, { value: unknown }> = {};
  for (const [k, v] of Object.entries(config)) wrapped[k] = { value: v };
  // A resumed run counts as "started" only when `_wandb.t` exists (the W&B client's runExists check).
  wrapped._wandb = { value: { t: {} } };
  return JSON.stringify(wrapped);
}
