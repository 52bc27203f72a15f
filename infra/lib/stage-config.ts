import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

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

// Origins, URLs and the domain prefix are placeholders until the partner front-ends exist.
const stageConfigs: Record<StageName, StageConfig> = {
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
    corsAllowedOrigins: ['http://localhost:3000', 'http://localhost:5173'],
    introspection: true,
    identity: {
      domainPrefix: 'confide-dev',
      callbackUrls: ['http://localhost:3000/auth/callback', 'http://localhost:5173/auth/callback'],
      logoutUrls: ['http://localhost:3000/', 'http://localhost:5173/'],
    },
    alarmEmails: [],
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
    corsAllowedOrigins: ['https://app.confide.example'],
    introspection: false,
    identity: {
      domainPrefix: 'confide-prod',
      callbackUrls: ['https://app.confide.example/auth/callback'],
      logoutUrls: ['https://app.confide.example/'],
    },
    alarmEmails: [],
  },
};

function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (stageNames as readonly string[]).includes(value);
}

/**
 * The configuration of a stage.
 *
 * @param stage - the value of the `stage` context; `undefined` selects `dev`.
 * @throws Error when the stage is not one of {@link stageNames}.
 */
export function stageConfig(stage: unknown = 'dev'): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}: use one of ${stageNames.join(', ')}`);
  }
  return stageConfigs[stage];
}
