/**
 * A plain-text table as the CLI prints its lists: a header, then one line per row, each column as wide as its widest
 * cell (a long slug or role list never pushes the next column out of line), the last column unpadded.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [header, ...rows].map(line).join('\n');
}
