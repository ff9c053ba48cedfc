// Errors, telemetry-data errors and input findings, listed with the file they came from.

import type { JobSummary } from '../model/types.js';
import { fmtInt, fmtTime, MISSING } from './format.js';
import { el, type Html, join } from './html.js';

/** Rows per table; the rest is counted, not listed (a crash loop can record thousands of identical errors). */
export const MAX_PROBLEM_ROWS = 200;

export function problemsSection(items: readonly { file: string; summary: JobSummary }[]): Html {
  const errors = items.flatMap(({ file, summary }) =>
    summary.errors.map((e) => ({
      t: e.timeMs,
      cells: [file, fmtTime(e.timeMs), e.spanName ?? MISSING, e.exceptionType ?? MISSING, e.message],
    })),
  );
  const dataErrors = items.flatMap(({ file, summary }) =>
    summary.telemetryDataErrors.map((e) => ({ t: e.timeMs, cells: [file, fmtTime(e.timeMs), e.type ?? MISSING, e.message] })),
  );
  const findings = items.flatMap(({ summary }) =>
    summary.findings.map((f) => ({ t: undefined, cells: [`${f.file}:${f.line}`, f.severity, f.message] })),
  );
  const byTime = (a: { t: number | undefined }, b: { t: number | undefined }): number => (a.t ?? Infinity) - (b.t ?? Infinity);
  errors.sort(byTime);
  dataErrors.sort(byTime);

  const parts: Html[] = [];
  if (errors.length + dataErrors.length + findings.length === 0) {
    parts.push(
      el('p', { class: 'note ok', 'data-note': 'no-problems' }, 'No errors, telemetry data errors or input problems were recorded.'),
    );
  }
  if (errors.length > 0) parts.push(table('errors', 'Errors', ['File', 'Time', 'Span', 'Type', 'Message'], errors));
  if (dataErrors.length > 0)
    parts.push(table('telemetry-data-errors', 'Telemetry data errors', ['File', 'Time', 'Type', 'Message'], dataErrors));
  if (findings.length > 0) parts.push(table('findings', 'Input findings', ['Location', 'Severity', 'Message'], findings));
  return join(parts);
}

function table(id: string, title: string, headings: readonly string[], rows: readonly { cells: string[] }[]): Html {
  const shown = rows.slice(0, MAX_PROBLEM_ROWS);
  const last = headings.length - 1;
  return join([
    el('h3', {}, `${title} (${fmtInt(rows.length)})`),
    el(
      'div',
      { class: 'scroll' },
      el(
        'table',
        { class: 'problems', 'data-table': id },
        el('thead', {}, el('tr', {}, join(headings.map((h) => el('th', { scope: 'col' }, h))))),
        el(
          'tbody',
          {},
          join(shown.map((r) => el('tr', {}, join(r.cells.map((c, i) => el('td', { class: i === last ? 'message' : undefined }, c)))))),
        ),
      ),
    ),
    rows.length > shown.length ? el('p', { class: 'note' }, `${fmtInt(rows.length - shown.length)} more not listed.`) : undefined,
  ]);
}
