/**
 * The import's progress on stderr: on a terminal, one line redrawn in place with a bar, counts and an estimate;
 * otherwise (a pipe, a log file, CI) a plain line at most every few seconds and at the end. Counts only, never a
 * value from the files.
 */
export class Progress {
  readonly #started = Date.now();
  #lastPlain = 0;
  #done = 0;
  #records = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 2_000,
  ) {}

  /** `clients` more clients finished, carrying `records` records in all (the client, its notes, …). */
  advance(clients: number, records: number): void {
    this.#done += clients;
    this.#records += records;
    this.#draw(false);
  }

  finish(): void {
    this.#draw(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  #line(): string {
    const elapsed = (Date.now() - this.#started) / 1000;
    const share = this.total === 0 ? 1 : this.#done / this.total;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const left = rate > 0 ? (this.total - this.#done) / rate : undefined;
    const estimate =
      this.#done >= this.total
        ? `done in ${duration(elapsed)}`
        : left === undefined
          ? 'estimating…'
          : `about ${duration(left)} left`;
    return `import: ${this.#done}/${this.total} clients (${Math.floor(share * 100)}%), ${this.#records} records, ${estimate}`;
  }

  #draw(final: boolean): void {
    if (this.stream.isTTY) {
      const width = 24;
      const filled = this.total === 0 ? width : Math.round((this.#done / this.total) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#line()}\x1b[K`);
      return;
    }
    const now = Date.now();
    if (final || now - this.#lastPlain >= this.plainEveryMs) {
      this.#lastPlain = now;
      this.stream.write(`${this.#line()}\n`);
    }
  }
}

function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes}m ${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}
