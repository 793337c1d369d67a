/** The Markdown pieces every section of the benchmark report is built from. */

/** How a target reads in the report: met, or missed in bold so that it stands out. */
export function mark(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

/** A Markdown table: the header row, its rule, then one row per entry. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}
