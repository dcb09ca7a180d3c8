/** What cairn knows about a tracked path's content: the oid of its blob (file) or tree object (directory). */
export interface PathInfo {
  kind: 'file' | 'dir';
  oid: string;
  /** Bytes of the file, or of all files in the directory. */
  size: number;
  /** Number of files, for directories. */
  files?: number;
  /** Executable bit, for single files. */
  exec?: boolean;
}
