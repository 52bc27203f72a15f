import { generateLoad, type LoadJob } from './load-generator';

/** The load generator's process (see load-generator.ts): reads one JSON job from argv, prints one JSON line. */
const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
const result = await generateLoad(job);
process.stdout.write(`BENCH_LOAD ${JSON.stringify(result)}\n`);
