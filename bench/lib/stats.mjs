/** The few statistics the report needs. */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** `12 345` style thousands for req/s. */
export function int(value) {
  return Math.round(value).toLocaleString('en-US').replaceAll(',', ' ');
}

/** A Markdown table from a header row and rows of cells. */
export function table(header, rows, align = header.map(() => 'l')) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
