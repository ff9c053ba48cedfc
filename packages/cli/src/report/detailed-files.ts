// Which input files get a section of their own in the report: all of them up to MAX_FILE_SECTIONS; beyond that,
// the stragglers' files first, then the others in input order (the job view above covers every rank). The report
// command reads only these files a second time for their span trees and metric series, so memory stays bounded.
import type { JobView } from '../job/job-types.js';

export const MAX_FILE_SECTIONS = 16;

/** Indices into `files`, ascending. */
export function detailedFiles(files: readonly string[], jobs: readonly Pick<JobView, 'ranks'>[]): number[] {
  const all = files.map((_, i) => i);
  if (files.length <= MAX_FILE_SECTIONS) return all;
  const slow = new Set(jobs.flatMap((j) => j.ranks.filter((r) => r.straggler).flatMap((r) => r.files)));
  const first = all.filter((i) => slow.has(files[i] as string));
  return [...first, ...all.filter((i) => !slow.has(files[i] as string))].slice(0, MAX_FILE_SECTIONS).sort((a, b) => a - b);
}
