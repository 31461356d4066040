/** What a command prints on stdout: a JSON document with `--json`, text for people otherwise. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  /** The command's result: `body` as JSON, or the text `describe` makes of it. */
  result<T>(body: T, describe: (body: T) => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(body, null, 2)}\n` : `${describe(body)}\n`);
  }

  /** Text for people only (the JSON document is the whole of stdout with `--json`). */
  text(text: string): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A plain-text table: a header row, then one row per entry, columns padded to their widest cell. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => (column.align === 'right' ? (cells[i] ?? '').padStart(widths[i]!) : (cells[i] ?? '').padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join('\n');
}
