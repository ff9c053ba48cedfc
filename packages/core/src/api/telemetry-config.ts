import type { AttributeValue } from '../core/attributes.js';

export const ApplicationType = {
  TRAINING: 'training',
  VALIDATION: 'validation',
  BATCH_INFERENCE: 'batch_inference',
  ONLINE_INFERENCE: 'online_inference',
  DATA_PROCESSING: 'data_processing',
} as const;
export type ApplicationType = (typeof ApplicationType)[keyof typeof ApplicationType];

/**
 * What a domain package (e.g. training telemetry) knows about the job. The core never reads these values;
 * it only checks the shape.
 */
export interface TelemetryConfig {
  readonly isTrainIterationsEnabled: boolean;
  readonly isValidationIterationsEnabled: boolean;
  readonly isTestIterationsEnabled: boolean;
  readonly isSaveCheckpointEnabled: boolean;
  readonly appType: ApplicationType | string;
  readonly customMetadata?: Readonly<Record<string, AttributeValue>> | undefined;
}

const REQUIRED_MEMBERS = [
  'isTrainIterationsEnabled',
  'isValidationIterationsEnabled',
  'isTestIterationsEnabled',
  'isSaveCheckpointEnabled',
  'appType',
] as const;

/** Structural check: the object has every member of `TelemetryConfig` (missing members are returned). */
export function missingTelemetryConfigMembers(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [...REQUIRED_MEMBERS];
  return REQUIRED_MEMBERS.filter((m) => !(m in value));
}

export function isTelemetryConfig(value: unknown): value is TelemetryConfig {
  return missingTelemetryConfigMembers(value).length === 0;
}
