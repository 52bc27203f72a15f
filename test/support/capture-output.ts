/** What {@link captureOutput} has caught so far. */
export interface Captured {
  readonly lines: string[];
  stop(): void;
}

/** Captures everything written to stdout, stderr and the console until `stop()`. */
export function captureOutput(): Captured {
  const lines: string[] = [];
  const record = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  };
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: unknown) => {
    record(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => {
    record(chunk);
    return true;
  }) as typeof process.stderr.write;
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => record(args.map((arg) => String(arg)).join(' '));
  }
  return {
    lines,
    stop() {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      methods.forEach((name, index) => {
        console[name] = originals[index] as (typeof console)[typeof name];
      });
    },
  };
}
