/** Content types by extension, for the file types runs log (MLflow guesses them from the name the same way). */
const TYPES: Record<string, string> = {
  txt: 'text/plain', log: 'text/plain', md: 'text/markdown', csv: 'text/csv', tsv: 'text/tab-separated-values',
  json: 'application/json', jsonl: 'application/x-ndjson', yaml: 'text/yaml', yml: 'text/yaml', toml: 'application/toml',
  xml: 'application/xml', html: 'text/html', htm: 'text/html', css: 'text/css', js: 'text/javascript', py: 'text/x-python',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp', bmp: 'image/bmp',
  tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/x-icon',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip', tar: 'application/x-tar',
  mp3: 'audio/mpeg', wav: 'audio/wav', mp4: 'video/mp4', webm: 'video/webm',
  parquet: 'application/vnd.apache.parquet', onnx: 'application/octet-stream', pkl: 'application/octet-stream',
};

const TEXT = /^(text\/|application\/(json|x-ndjson|toml|xml))/;

/** The Content-Type of an artifact by its file name; unknown extensions are bytes. Pure. */
export function contentTypeOf(filePath: string): string {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const type = dot > 0 ? TYPES[name.slice(dot + 1).toLowerCase()] : undefined;
  if (!type) return name === 'MLmodel' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  return TEXT.test(type) ? `${type}; charset=utf-8` : type;
}
