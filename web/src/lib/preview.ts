/** How an artifact is previewed, by its name; and a small CSV reader (quotes, doubled quotes) for the table. */
export type PreviewKind = 'text' | 'json' | 'csv' | 'image' | 'html' | 'binary';

export function previewKind(file: string): PreviewKind {
  const ext = file.toLowerCase().split('.').pop() ?? '';
  if (['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp'].includes(ext)) return 'image';
  if (['html', 'htm'].includes(ext)) return 'html';
  if (ext === 'json') return 'json';
  if (['csv', 'tsv'].includes(ext)) return 'csv';
  if (['txt', 'log', 'md', 'yaml', 'yml', 'py', 'toml', 'cfg', 'ini', 'sh', 'out', 'err', 'mlmodel', 'jsonl'].includes(ext) || !file.includes('.')) return 'text';
  return file.split('/').pop()?.toUpperCase() === 'MLMODEL' ? 'text' : 'binary';
}

export function parseCsv(text: string, maxRows = Infinity): string[][] {
  const sep = text.split('\n', 1)[0].includes('\t') && !text.split('\n', 1)[0].includes(',') ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if ((cell !== '' || row.length > 0) && rows.length < maxRows) rows.push([...row, cell]);
  return rows;
}
