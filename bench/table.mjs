// Formats benchmark rows as a Markdown table that reads well in a terminal and in docs/benchmarks.md.

function seconds(s, unit = 's') {
  if (s === undefined || s === null) return '';
  // Sizes (the UI bench's bundle) ride in the same column, in their own unit.
  if (unit === 'KiB') return `${s.toFixed(0)} KiB`;
  if (unit === 'ms' || s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms`;
  return `${s.toFixed(2)} s`;
}

function target(r) {
  if (r.target === undefined) return '—';
  if (r.kind === 'speedup') return `≥ ${r.target}× faster`;
  if (r.kind === 'absolute') return `< ${seconds(r.target, r.unit)}`;
  return `≤ ${r.target}×`;
}

function value(r) {
  if (r.value === null) return '';
  if (r.kind === 'speedup') return `${r.value.toFixed(2)}× faster`;
  if (r.kind === 'absolute') return seconds(r.value, r.unit);
  return `${r.value.toFixed(2)}×`;
}

/** One Markdown table: what was measured, cairn's time, the baseline and its time, the ratio, the target, met or not. */
export function formatTable(rows) {
  const head = ['area', 'measurement', 'cairn', 'baseline', 'baseline time', 'result', 'target', 'met'];
  const body = rows.map((r) => [
    r.section,
    r.name,
    seconds(r.cairnSeconds, r.unit),
    r.baseline ?? '—',
    r.baseline ? seconds(r.baselineSeconds, r.unit) : '',
    value(r),
    target(r),
    r.pass === null ? '' : r.pass ? 'yes' : '**no**',
  ]);
  if (!body.length) return '_No measurement ran: none of the measured commands exists in the built CLI yet._';
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}
