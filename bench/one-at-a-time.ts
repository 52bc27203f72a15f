import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { createConfideYoga } from '@confide/api';
import { startLocalServer } from '@confide/service-api';
import { sequentialRoundTrips } from '@confide/store';
import { auditTimes } from './audit-share';
import { load } from './load-generator';
import { bodiesFor, LABEL, OPERATIONS, type Operation, order, type ServerName } from './operations';
import { startSameIoServer } from './same-io-server';
import { instrumentedDynamo, type RunTally, ServedRequests } from './served-requests';
import { type SmallStack, withSmallStack } from './small-stack';
import { median, spread } from './stats';

/**
 * `npx tsx bench/one-at-a-time.ts [--operation caseload] [--repeats 3] [--requests 12]`: the bench's one-request-at-a-
 * time part alone (run.ts's), for one operation, Confide and the same-I/O baseline alternating, printing per repeat
 * the median latency, the audit's time in both measures (audit-share.ts) and the median request's call timeline.
 * About a minute; bench/results.md is left alone.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const operation = (argument('--operation') ?? 'caseload') as Operation;
if (!OPERATIONS.includes(operation)) throw new Error(`--operation takes one of: ${OPERATIONS.join(', ')}`);
const repeats = Number(argument('--repeats') ?? 3);
if (!Number.isInteger(repeats) || repeats < 3) throw new Error('--repeats takes a whole number ≥ 3');
const DEFAULT_REQUESTS: Record<Operation, number> = { clientRead: 30, caseload: 12, noteWrite: 30 };
const requests = Number(argument('--requests') ?? DEFAULT_REQUESTS[operation]);

const listen = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const log = (message: string) => process.stdout.write(`${message}\n`);

interface RepeatFigures {
  latency: number;
  covered: number;
  exclusive: number;
  coveredShare: number;
  exclusiveShare: number;
  sequential: number;
  timeline: string;
}

function figures(tally: RunTally): RepeatFigures {
  const per = tally.requests.map((request) => {
    const calls = request.calls.filter((call) => call.service === 'DynamoDB');
    const latency = request.endedAt - request.startedAt;
    const { covered, exclusive } = auditTimes(calls);
    return { request, latency, covered, exclusive };
  });
  const typical = [...per].sort((a, b) => a.latency - b.latency)[Math.floor(per.length / 2)];
  const timeline = typical
    ? `${[...typical.request.calls]
        .sort((a, b) => a.startedAt - b.startedAt)
        .map(
          (call) =>
            `${call.operation}${call.audit ? '(audit)' : ''} ${(call.startedAt - typical.request.startedAt).toFixed(1)}–${(call.endedAt - typical.request.startedAt).toFixed(1)}`,
        )
        .join('; ')} | response ${typical.latency.toFixed(1)}`
    : '';
  return {
    latency: median(per.map((p) => p.latency)),
    covered: median(per.map((p) => p.covered)),
    exclusive: median(per.map((p) => p.exclusive)),
    coveredShare: median(per.map((p) => p.covered / p.latency)),
    exclusiveShare: median(per.map((p) => p.exclusive / p.latency)),
    sequential: Math.max(...tally.requests.map((r) => sequentialRoundTrips(r.calls, 'DynamoDB'))),
    timeline,
  };
}

async function main(): Promise<void> {
  await withSmallStack(measure, { countKms: true });
}

async function measure({ stack, config, services, world }: SmallStack): Promise<void> {
  const servers: Server[] = [];
  try {
    const confide = await startLocalServer(createConfideYoga(services), 0);
    const baseline = await startSameIoServer({
      dynamo: instrumentedDynamo(stack),
      table: config.tables.data,
      orgId: world.orgId,
      staffId: world.workerId,
      externalSubject: world.workerSubject,
      subjectKeyLocation: (subjectId) => services.keys.subjectKeyLocation(world.orgId, subjectId),
    });
    servers.push(confide, baseline);
    const targets = {
      confide: {
        url: listen(confide),
        headers: { authorization: `Bearer ${world.workerToken}` },
        served: new ServedRequests().attach(confide),
      },
      baseline: { url: listen(baseline), headers: {}, served: new ServedRequests().attach(baseline) },
    };
    let runs = 0;
    const run = async (name: ServerName, count: number, warmup: number) => {
      const target = targets[name];
      const id = `run-${++runs}`;
      await target.served.drained();
      const result = await load({
        url: target.url,
        headers: target.headers,
        bodies: bodiesFor(operation, world, name),
        run: id,
        connections: 1,
        warmupRequests: warmup,
        requests: count,
      });
      await target.served.drained();
      const tally = target.served.tally(id);
      if (
        result.requests !== count ||
        tally.served !== count ||
        tally.cutOff !== 0 ||
        tally.graphqlErrors > 0
      )
        throw new Error(
          `${name} ${id}: sent ${result.requests}, served ${tally.served}, ${tally.graphqlErrors} errors`,
        );
      return tally;
    };
    for (const name of ['confide', 'baseline'] as const) await run(name, 3, 0);
    log(
      `${LABEL[operation]}, one request at a time: ${repeats} repeats × ${requests} requests, alternating; load average ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' / ')}`,
    );
    const all: Record<ServerName, RepeatFigures[]> = { confide: [], baseline: [] };
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const name of order(repeat)) {
        const f = figures(await run(name, requests, 2));
        all[name].push(f);
        log(
          `  repeat ${repeat + 1} ${name}: latency ${f.latency.toFixed(1)} ms; audit in calls ${f.covered.toFixed(1)} ms (${(100 * f.coveredShare).toFixed(0)}%), on the critical path ${f.exclusive.toFixed(1)} ms (${(100 * f.exclusiveShare).toFixed(0)}%); round trips ${f.sequential}`,
        );
        log(`    ${f.timeline}`);
      }
    }
    for (const name of ['confide', 'baseline'] as const) {
      const s = (pick: (f: RepeatFigures) => number, format: (n: number) => string) => {
        const v = spread(all[name].map(pick));
        return `${format(v.median)} (${format(v.min)}–${format(v.max)})`;
      };
      const ms = (n: number) => `${n.toFixed(1)} ms`;
      const pct = (n: number) => `${(100 * n).toFixed(0)}%`;
      log(
        `${name}: latency ${s((f) => f.latency, ms)}; audit in calls ${s((f) => f.coveredShare, pct)}; on the critical path ${s((f) => f.exclusiveShare, pct)}; load average after ${loadavg()
          .map((v) => v.toFixed(1))
          .join(' / ')}`,
      );
    }
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

await main();
process.exit(0);
