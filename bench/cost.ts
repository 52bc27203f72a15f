/**
 * The affordability figure (issue 18): the marginal monthly AWS cost of one small charity, from the benchmark's
 * own counters. Prices are eu-west-2 (London) list prices as ASSUMED here — they were not fetched from AWS when
 * this file was written (no network access to the price list); check them against the AWS pricing pages before
 * quoting the figure. Free tiers are ignored (the cost is marginal: the charity's share of an account already
 * past them).
 */
export const ASSUMED_PRICES = {
  /** Lambda on arm64 (the api's architecture, infra/constructs/confide-function.ts), per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** DynamoDB on-demand, Standard table class (after the November 2024 price cut). */
  dynamoPerMillionWriteUnits: 0.7425,
  dynamoPerMillionReadUnits: 0.1485,
  dynamoStorageGbMonth: 0.2975,
  /** KMS: a customer managed key per organisation, and symmetric requests. */
  kmsKeyMonth: 1,
  kmsPer10kRequests: 0.03,
} as const;

/** The charity: 20 staff, 200 clients, 5,000 requests a day, 30 days a month. */
export const SMALL_CHARITY = { staff: 20, clients: 200, requestsPerDay: 5000, days: 30 } as const;

/** The stated mix of those requests over the three measured operations (shares sum to 1). */
export const REQUEST_MIX = { clientRead: 0.6, caseload: 0.15, noteWrite: 0.25 } as const;

export interface OperationCost {
  /** Billed Lambda duration of one request (ms, rounded up to 1 ms as Lambda bills). */
  readonly durationMs: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

export interface CostInputs {
  readonly operations: Record<keyof typeof REQUEST_MIX, OperationCost>;
  readonly memoryMb: number;
  /** KMS requests a fresh process makes for an organisation (steady state: none until the key cache expires). */
  readonly kmsPerKeyWindow: number;
  readonly keyCacheMinutes: number;
  /** Hours a day the charity's requests keep at least one warm container (stated assumption). */
  readonly activeHoursPerDay: number;
}

export interface CostLine {
  readonly item: string;
  readonly basis: string;
  readonly dollars: number;
}

export function monthlyCost(inputs: CostInputs): CostLine[] {
  const p = ASSUMED_PRICES;
  const requests = SMALL_CHARITY.requestsPerDay * SMALL_CHARITY.days;
  let gbSeconds = 0;
  let readUnits = 0;
  let writeUnits = 0;
  for (const [operation, share] of Object.entries(REQUEST_MIX) as [keyof typeof REQUEST_MIX, number][]) {
    const measured = inputs.operations[operation];
    const count = requests * share;
    gbSeconds += count * (Math.ceil(measured.durationMs) / 1000) * (inputs.memoryMb / 1024);
    readUnits += count * measured.readUnits;
    writeUnits += count * measured.writeUnits;
  }
  // Each write unit stores at most 1 KB: an upper bound of what a month adds to the tables.
  const addedGb = (writeUnits * 1024) / 1024 ** 3;
  const kmsRequests =
    inputs.kmsPerKeyWindow * (60 / inputs.keyCacheMinutes) * inputs.activeHoursPerDay * SMALL_CHARITY.days;
  return [
    {
      item: 'Lambda compute',
      basis: `${gbSeconds.toFixed(0)} GB-s (${requests.toLocaleString('en-GB')} requests × measured duration × ${inputs.memoryMb} MB)`,
      dollars: gbSeconds * p.lambdaArmGbSecond,
    },
    {
      item: 'Lambda requests',
      basis: `${requests.toLocaleString('en-GB')} requests`,
      dollars: (requests / 1e6) * p.lambdaPerMillionRequests,
    },
    {
      item: 'DynamoDB reads',
      basis: `${readUnits.toFixed(0)} read request units`,
      dollars: (readUnits / 1e6) * p.dynamoPerMillionReadUnits,
    },
    {
      item: 'DynamoDB writes',
      basis: `${writeUnits.toFixed(0)} write request units`,
      dollars: (writeUnits / 1e6) * p.dynamoPerMillionWriteUnits,
    },
    {
      item: 'DynamoDB storage',
      basis: `at most ${(addedGb * 1024).toFixed(0)} MB added a month (≤ 1 KB per write unit)`,
      dollars: addedGb * p.dynamoStorageGbMonth,
    },
    { item: 'KMS key', basis: '1 customer managed key for the organisation', dollars: p.kmsKeyMonth },
    {
      item: 'KMS requests',
      basis: `${kmsRequests.toFixed(0)} (${inputs.kmsPerKeyWindow} per ${inputs.keyCacheMinutes}-minute key window, ${inputs.activeHoursPerDay} active hours a day)`,
      dollars: (kmsRequests / 10_000) * p.kmsPer10kRequests,
    },
  ];
}
