// `summarize` plus the job view: the same single streaming pass over every file also feeds the job view's
// per-process recorders; jobs are built once all files are read. Memory per file is bounded (sketches and
// bucketed series), so hundreds of rank files fit.
import { type FileAnalysis, type SummarizeOptions, type SummarizeResult, summarize } from '../summary/summarize.js';
import { type BuiltJob, buildJobs, type FileSegments } from './build-jobs.js';
import type { JobSeries, JobView } from './job-types.js';
import { FileRankRecorder, type RankRun } from './rank-recorder.js';
import { DEFAULT_STRAGGLER_THRESHOLD } from './straggler.js';

export interface JobSummarizeOptions extends SummarizeOptions {
  /** A rank is a straggler when its median iteration time exceeds the job median by more than this (default 0.05). */
  stragglerThreshold?: number;
}

export interface JobSummarizeResult extends SummarizeResult {
  /** One job per session tag and application name (files without a session tag: one job per file). */
  jobs: JobView[];
  /** Chart data of each job, in the order of `jobs`. */
  jobSeries: JobSeries[];
}

export async function summarizeJobs(files: readonly string[], options: JobSummarizeOptions = {}): Promise<JobSummarizeResult> {
  const runs: RankRun[] = [];
  const segments: FileSegments[] = [];
  const result = await summarize(files, {
    ...options,
    observe: (file) => {
      const recorder = new FileRankRecorder(file);
      return {
        add: (item) => recorder.add(item),
        finish: (analysis: FileAnalysis) => {
          runs.push(...recorder.finish());
          segments.push({ file, segments: analysis.segments });
        },
      };
    },
  });
  const built: BuiltJob[] = buildJobs(runs, segments, options.stragglerThreshold ?? DEFAULT_STRAGGLER_THRESHOLD);
  return { ...result, jobs: built.map((b) => b.view), jobSeries: built.map((b) => b.series) };
}
