import { existsSync, readFileSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { fromRepoRoot } from './paths';

/** The deployment stages the app knows, selected with `-c stage=…`. */
export const stageNames = ['dev', 'prod'] as const;

/** A deployment stage. */
export type StageName = (typeof stageNames)[number];

/** Log levels understood by both Powertools (`POWERTOOLS_LOG_LEVEL`) and Lambda's advanced logging controls. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Steady-state rate and burst of an API Gateway throttle. */
export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Short-burst request ceiling. */
  readonly burstLimit: number;
}

/** Everything that differs between stages; stacks and constructs receive it (or parts of it) through props. */
export interface StageConfig {
  /** The stage name, used in resource and stack names. */
  readonly stage: StageName;
  /** AWS region. London, so that personal data stays in the UK. */
  readonly region: string;
  /** Whether stateful resources refuse deletion (DynamoDB and Cognito deletion protection, stack termination protection). */
  readonly deletionProtection: boolean;
  /** What happens to stateful resources and log groups when removed from the app or the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** How long every log group (Lambda logs, API access logs) is kept. */
  readonly logRetention: RetentionDays;
  /** Log level of every function. */
  readonly logLevel: LogLevel;
  /**
   * How long each audit checkpoint is locked (Object Lock COMPLIANCE, decision 0029): as long as the longest audit
   * retention in prod (8 years); a day in dev, whose bucket would otherwise hold undeletable objects for years.
   */
  readonly checkpointRetention: Duration;
  /** How often the verifier verifies and checkpoints every organisation's audit. */
  readonly verifySchedule: Duration;
  /** API Gateway throttling of the `$default` stage, for routes without their own. */
  readonly throttling: Throttle;
  /** Per-route throttling, keyed by route key (`POST /graphql`); each must be at most the stage throttling. */
  readonly routeThrottling: Readonly<Record<string, Throttle>>;
  /**
   * The api's per-organisation rate limit (`CONFIDE_RATE_LIMIT_RPS` / `_BURST`, decision 0010): a token bucket per
   * organisation and Lambda container, under the stage throttling.
   */
  readonly organisationRateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  /** Browser origins of partner front-ends allowed to call the API. */
  readonly corsAllowedOrigins: readonly string[];
  /** Whether the API serves introspection and GraphiQL (`CONFIDE_INTROSPECTION`). */
  readonly introspection: boolean;
  /** The Cognito user pool's hosted sign-in and the partner front-end's redirect URLs. */
  readonly identity: {
    /** Prefix of the Cognito domain `https://<prefix>.auth.<region>.amazoncognito.com`; unique per region. */
    readonly domainPrefix: string;
    /** Where the partner front-end client may receive authorization codes. */
    readonly callbackUrls: readonly string[];
    /** Where the partner front-end client may be sent after sign-out. */
    readonly logoutUrls: readonly string[];
  };
  /** Email addresses subscribed to the alarm topic (each must confirm the subscription). */
  readonly alarmEmails: readonly string[];
}

/** What a stage's operators decide: read from `infra/stages/<stage>.json` (or `-c stageFile=<path>`) at synth. */
export type StageDeployment = Pick<StageConfig, 'corsAllowedOrigins' | 'identity' | 'alarmEmails'>;

/** Everything else, fixed in source for each stage. */
const stageConfigs: Record<StageName, Omit<StageConfig, keyof StageDeployment>> = {
  dev: {
    stage: 'dev',
    region: 'eu-west-2',
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'DEBUG',
    checkpointRetention: Duration.days(1),
    verifySchedule: Duration.hours(6),
    throttling: { rateLimit: 50, burstLimit: 100 },
    routeThrottling: {
      'POST /graphql': { rateLimit: 50, burstLimit: 100 },
      // GET serves GraphiQL and persisted queries only; partners use POST.
      'GET /graphql': { rateLimit: 10, burstLimit: 20 },
    },
    organisationRateLimit: { requestsPerSecond: 10, burst: 20 },
    introspection: true,
  },
  prod: {
    stage: 'prod',
    region: 'eu-west-2',
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.ONE_YEAR,
    logLevel: 'INFO',
    checkpointRetention: Duration.days(8 * 366),
    verifySchedule: Duration.hours(1),
    throttling: { rateLimit: 500, burstLimit: 1000 },
    routeThrottling: {
      'POST /graphql': { rateLimit: 500, burstLimit: 1000 },
      'GET /graphql': { rateLimit: 50, burstLimit: 100 },
    },
    organisationRateLimit: { requestsPerSecond: 25, burst: 50 },
    introspection: false,
  },
};

function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (stageNames as readonly string[]).includes(value);
}

/** A stage's deployment settings that cannot be used: each problem names the key (`identity.callbackUrls[0]`). */
export class StageConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid stage configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StageConfigError';
  }
}

/** Hosts that are documentation, test or local names (RFC 2606, RFC 6761): fine in dev, placeholders in prod. */
const PLACEHOLDER_HOST =
  /(^|\.)(example(\.(com|org|net))?|test|invalid|localhost|local)$|^127\.|^\[?::1\]?$/i;
/** Cognito domain prefixes: lowercase letters, digits and hyphens, not starting or ending with one, no AWS names. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_PREFIX = /aws|amazon|cognito/;
/** Prefixes that are the source's old placeholders or say they are one. */
const PLACEHOLDER_PREFIX = /example|placeholder|changeme|todo|^confide-(dev|prod)$/;
const EMAIL = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/;

/**
 * Checks a stage's deployment settings, as read from JSON, and returns them typed. Every problem is reported at once,
 * each naming its key. In prod, placeholders are refused: documentation, test and local hosts (`example.com`,
 * `*.test`, `localhost`), plain http, the old in-source domain prefixes, and an empty alarm email list.
 *
 * @throws StageConfigError naming `source` and each key that is missing or invalid.
 */
export function parseStageDeployment(stage: StageName, raw: unknown, source: string): StageDeployment {
  const problems: string[] = [];
  const prod = stage === 'prod';
  const object = (value: unknown, key: string): Record<string, unknown> => {
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${key}: required, an object`);
    return {};
  };
  const strings = (value: unknown, key: string, options: { nonEmpty: boolean }): string[] => {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      problems.push(`${key}: required, a list of strings`);
      return [];
    }
    if (options.nonEmpty && value.length === 0) problems.push(`${key}: must not be empty`);
    return value as string[];
  };
  const url = (value: string, key: string, originOnly: boolean): void => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${key}: not a URL (${JSON.stringify(value)})`);
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      problems.push(`${key}: must be an https URL`);
      return;
    }
    if (originOnly && value !== parsed.origin) {
      problems.push(`${key}: must be an origin only (scheme, host and port, no path or trailing slash)`);
    }
    if (prod && parsed.protocol !== 'https:') problems.push(`${key}: must be https in prod`);
    if (prod && PLACEHOLDER_HOST.test(parsed.hostname)) {
      problems.push(`${key}: ${parsed.hostname} is a placeholder host, refused in prod`);
    }
  };

  const root = object(raw, '(file)');
  for (const key of Object.keys(root)) {
    if (!['corsAllowedOrigins', 'identity', 'alarmEmails'].includes(key))
      problems.push(`${key}: unknown key`);
  }
  const origins = strings(root.corsAllowedOrigins, 'corsAllowedOrigins', { nonEmpty: true });
  origins.forEach((origin, index) => {
    url(origin, `corsAllowedOrigins[${index}]`, true);
  });
  const identity = object(root.identity, 'identity');
  for (const key of Object.keys(identity)) {
    if (!['domainPrefix', 'callbackUrls', 'logoutUrls'].includes(key))
      problems.push(`identity.${key}: unknown key`);
  }
  const domainPrefix = identity.domainPrefix;
  if (typeof domainPrefix !== 'string' || !DOMAIN_PREFIX.test(domainPrefix)) {
    problems.push('identity.domainPrefix: required, 1–63 lowercase letters, digits and hyphens');
  } else if (RESERVED_PREFIX.test(domainPrefix)) {
    problems.push('identity.domainPrefix: may not contain aws, amazon or cognito (Cognito refuses them)');
  } else if (prod && PLACEHOLDER_PREFIX.test(domainPrefix)) {
    problems.push(`identity.domainPrefix: ${domainPrefix} is a placeholder, refused in prod`);
  }
  const callbackUrls = strings(identity.callbackUrls, 'identity.callbackUrls', { nonEmpty: true });
  callbackUrls.forEach((value, index) => {
    url(value, `identity.callbackUrls[${index}]`, false);
  });
  const logoutUrls = strings(identity.logoutUrls, 'identity.logoutUrls', { nonEmpty: true });
  logoutUrls.forEach((value, index) => {
    url(value, `identity.logoutUrls[${index}]`, false);
  });
  const alarmEmails = strings(root.alarmEmails, 'alarmEmails', { nonEmpty: prod });
  alarmEmails.forEach((email, index) => {
    const match = EMAIL.exec(email);
    if (!match) problems.push(`alarmEmails[${index}]: not an email address`);
    else if (prod && PLACEHOLDER_HOST.test(match[1] as string)) {
      problems.push(`alarmEmails[${index}]: ${match[1]} is a placeholder domain, refused in prod`);
    }
  });

  if (problems.length > 0) throw new StageConfigError(source, problems);
  return {
    corsAllowedOrigins: origins,
    identity: { domainPrefix: domainPrefix as string, callbackUrls, logoutUrls },
    alarmEmails,
  };
}

/**
 * The configuration of a stage: what source fixes for it, with the operators' deployment settings.
 *
 * @param stage - the value of the `stage` context; `undefined` selects `dev`.
 * @param deployment - the stage's deployment settings, already checked ({@link loadStageDeployment}).
 * @throws Error when the stage is not one of {@link stageNames}.
 */
export function stageConfig(stage: unknown, deployment: StageDeployment): StageConfig {
  return { ...stageConfigs[checkedStage(stage)], ...deployment };
}

/** The stage named by the `stage` context; `undefined` selects `dev`. */
export function checkedStage(stage: unknown = 'dev'): StageName {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}: use one of ${stageNames.join(', ')}`);
  }
  return stage;
}

/** The deployment settings file of a stage, unless `-c stageFile=<path>` names another. */
export function stageFileOf(stage: StageName): string {
  return fromRepoRoot(`infra/stages/${stage}.json`);
}

/**
 * Reads and checks a stage's deployment settings file.
 *
 * @throws Error naming the file when it is missing or not JSON; {@link StageConfigError} naming each bad key.
 */
export function loadStageDeployment(stage: StageName, file: string = stageFileOf(stage)): StageDeployment {
  if (!existsSync(file)) {
    throw new Error(
      `Stage ${stage} needs its deployment settings (CORS origins, Cognito domain prefix and URLs, alarm emails): ` +
        `write ${file} (start from infra/stages/prod.example.json) or pass -c stageFile=<path>. See infra/README.md.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new StageConfigError(file, ['(file): not valid JSON']);
  }
  return parseStageDeployment(stage, raw, file);
}

/** The configuration `cdk synth` uses: `-c stage=<name>` (default dev) and `-c stageFile=<path>` (optional). */
export function stageConfigFromContext(context: { tryGetContext(key: string): unknown }): StageConfig {
  const stage = checkedStage(context.tryGetContext('stage'));
  const file = context.tryGetContext('stageFile');
  if (file !== undefined && typeof file !== 'string') throw new Error('-c stageFile must be a path');
  return stageConfig(stage, loadStageDeployment(stage, file));
}
