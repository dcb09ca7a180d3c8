/**
 * Thins a line of many more points than pixels: in each pixel column it keeps the first, lowest, highest and last
 * point, so the drawn shape (spikes included) is the same while the SVG stays small. Input sorted by x. Pure.
 */
export function decimateLine(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < points.length) {
    const column = Math.round(points[i][0]);
    let j = i;
    let lo = i;
    let hi = i;
    while (j < points.length && Math.round(points[j][0]) === column) {
      if (points[j][1] < points[lo][1]) lo = j;
      if (points[j][1] > points[hi][1]) hi = j;
      j++;
    }
    for (const k of [...new Set([i, Math.min(lo, hi), Math.max(lo, hi), j - 1])]) out.push(points[k]);
    i = j;
  }
  return out;
}
