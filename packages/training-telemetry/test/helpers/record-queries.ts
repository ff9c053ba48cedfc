// Queries over the records a FileExporter wrote (as read back and schema-validated by readRecords).
import assert from 'node:assert/strict';
import type { Rec } from '../../../core/test/helpers/records.js';

/** `type:name` of a record (event records by event name; a telemetry data error by its type alone). */
export function label(r: Rec): string {
  if (r.type === 'event' || r.type === 'application_error') return `${r.type}:${r.event.name}`;
  if (r.type === 'telemetry_data_error') return r.type;
  return `${r.type}:${r.name}`;
}

/** `label` per record. */
export function summary(records: Rec[]): string[] {
  return records.map(label);
}

/** The event records named `name`. */
export function eventsNamed(recs: Rec[], name: string): Rec[] {
  return recs.filter((r) => r.type === 'event' && r.event.name === name);
}

/** The attributes of the event records named `name`. */
export function attrsOf(recs: Rec[], name: string): Rec[] {
  return eventsNamed(recs, name).map((r) => r.event.attributes);
}

/** The start, stop and complete records of the spans named `name`. */
export function spanRecs(recs: Rec[], name: string): Rec[] {
  return recs.filter((r) => (r.type === 'start' || r.type === 'stop' || r.type === 'complete') && r.name === name);
}

/** The id of the first span named `name`. */
export function idOf(recs: Rec[], name: string): string {
  const r = spanRecs(recs, name)[0];
  assert.ok(r !== undefined, `no record for span ${name}`);
  return r.id as string;
}
