import path from 'node:path';

/** Image plots (a matplotlib figure, a sample grid): shown as they are, one a revision, as DVC does. Pure. */

export const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
};

export const isImageFile = (file: string): boolean => path.extname(file).toLowerCase() in IMAGE_TYPES;

/** An image of one revision. */
export interface PlotImage {
  label: string;
  file: string;
  bytes: Buffer;
}

/** The image inline as a data: URI, so the HTML page needs no other file and no network. */
export function imageDataUri(image: PlotImage): string {
  return `data:${IMAGE_TYPES[path.extname(image.file).toLowerCase()]};base64,${image.bytes.toString('base64')}`;
}
