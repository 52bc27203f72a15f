import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The deployment stages the app knows, selected with `-c stage=…`. */
export const stageNames = ['dev', 'prod'] as const;

/** A deployment stage. */
export type StageName = (typeof stageNames)[number];

/** Everything that differs between stages; stacks and constructs receive it (or parts of it) through props. */
export interface StageConfig {
  /** The stage name, used in resource and stack names. */
  readonly stage: StageName;
  /** AWS region. London, so that personal data stays in the UK. */
  readonly region: string;
  /** Whether stateful resources refuse deletion (DynamoDB deletion protection). */
  readonly deletionProtection: boolean;
  /** What happens to stateful resources and log groups when removed from the app or the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** How long Lambda logs are kept. */
  readonly logRetention: RetentionDays;
  /** API Gateway default stage throttling. */
  readonly throttling: {
    /** Steady-state requests per second. */
    readonly rateLimit: number;
    /** Short-burst request ceiling. */
    readonly burstLimit: number;
  };
  /** Browser origins of partner front-ends allowed to call the API. */
  readonly corsAllowedOrigins: readonly string[];
  /** Expected JWT `iss` and `aud` of bearer tokens. */
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
  };
}

// Issuers, audiences and origins are placeholders until the identity provider and partner apps exist.
const stageConfigs: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    region: 'eu-west-2',
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    throttling: { rateLimit: 50, burstLimit: 100 },
    corsAllowedOrigins: ['http://localhost:3000', 'http://localhost:5173'],
    jwt: { issuer: 'https://auth.dev.confide.example/', audience: 'confide-api-dev' },
  },
  prod: {
    stage: 'prod',
    region: 'eu-west-2',
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.ONE_YEAR,
    throttling: { rateLimit: 500, burstLimit: 1000 },
    corsAllowedOrigins: ['https://app.confide.example'],
    jwt: { issuer: 'https://auth.confide.example/', audience: 'confide-api' },
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
