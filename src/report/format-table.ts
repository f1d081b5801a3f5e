/** One column of a plain-text table. */
export interface TableColumn<Row> {
  header: string;
  /** `right` for numbers and sizes, so their digits line up; `left` by default. */
  align?: "left" | "right";
  /** The cell's text for a row. */
  value: (row: Row) => string;
}

/**
 * Lays rows out as an aligned table for people: a header line, then one line per row, columns
 * separated by two spaces, no trailing spaces. Returns the lines joined by newlines, without a
 * final newline.
 */
export function formatTable<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
): string {
  const cells = [
    columns.map((c) => c.header),
    ...rows.map((row) => columns.map((c) => c.value(row))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => width(line[i] ?? ""))));
  return cells
    .map((line) =>
      line
        .map((cell, i) => {
          const pad = " ".repeat((widths[i] ?? 0) - width(cell));
          return columns[i]?.align === "right" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Length in characters as shown (code points, so an emoji in a filename counts once). */
function width(text: string): number {
  return [...text].length;
}
