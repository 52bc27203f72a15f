import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/**
 * The partner contract check (README, API contract): what changed in `schema/schema.graphql` against the last
 * released contract `schema/released.graphql`, by GraphQL Inspector's diff (`@graphql-inspector/core`), sorted by
 * its criticality. A breaking change must be listed in CHANGELOG.md under `## Unreleased` → `### Breaking`, on a
 * list line naming the change's path in backticks (`Query.caseload`, `ServiceUser.name`, `AllocationKind.COVER`,
 * `Query.caseload.first`); naming a type or field also covers every change beneath it. Dangerous changes (an enum
 * value or an optional argument added, a default or a directive usage such as `@needToKnow` changed) are reported,
 * not refused.
 */

export interface ContractChange {
  readonly path: string;
  readonly type: string;
  readonly level: 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';
  readonly message: string;
}

export interface ContractReport {
  /** Breaking changes CHANGELOG.md lists: deliberate, announced to partners. */
  readonly allowedBreaking: readonly ContractChange[];
  /** Breaking changes CHANGELOG.md does not list: the check fails on these. */
  readonly unlistedBreaking: readonly ContractChange[];
  /** Changes that may break a partner depending on how it uses the field (reported, not refused). */
  readonly dangerous: readonly ContractChange[];
  readonly nonBreaking: readonly ContractChange[];
}

/** Compares a schema's SDL with the released contract's; `changelog` is the text of CHANGELOG.md. */
export async function compareContracts(
  releasedSdl: string,
  currentSdl: string,
  changelog: string,
): Promise<ContractReport> {
  const changes = (await diff(buildSchema(releasedSdl), buildSchema(currentSdl))).map(toContractChange);
  const listed = listedBreakingChanges(changelog);
  const breaking = changes.filter((change) => change.level === 'BREAKING');
  return {
    allowedBreaking: breaking.filter((change) => isListed(change.path, listed)),
    unlistedBreaking: breaking.filter((change) => !isListed(change.path, listed)),
    dangerous: changes.filter((change) => change.level === 'DANGEROUS'),
    nonBreaking: changes.filter((change) => change.level === 'NON_BREAKING'),
  };
}

function toContractChange(change: Change): ContractChange {
  const level = change.criticality.level;
  return {
    path: change.path ?? change.type,
    type: change.type,
    level:
      level === CriticalityLevel.Breaking
        ? 'BREAKING'
        : level === CriticalityLevel.Dangerous
          ? 'DANGEROUS'
          : 'NON_BREAKING',
    message: change.message,
  };
}

const SCHEMA_PATH = /^@?[_A-Za-z][_0-9A-Za-z]*(\.@?[_A-Za-z][_0-9A-Za-z]*)*$/;

/**
 * The schema paths CHANGELOG.md announces as breaking in its `## Unreleased` section, `### Breaking` subsection:
 * every backticked path on a list line (`- ` or `* `). HTML comments are ignored, and so is every other section
 * (a released version's breaking changes are already in `schema/released.graphql`).
 */
export function listedBreakingChanges(changelog: string): string[] {
  const lines = changelog.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/);
  const paths: string[] = [];
  let inUnreleased = false;
  let inBreaking = false;
  for (const line of lines) {
    if (/^##\s/.test(line)) {
      inUnreleased = /^##\s+\[?unreleased\]?\s*$/i.test(line.trim());
      inBreaking = false;
      continue;
    }
    if (/^###\s/.test(line)) {
      inBreaking = inUnreleased && /^###\s+breaking\b/i.test(line.trim());
      continue;
    }
    if (!inBreaking || !/^\s*[-*]\s/.test(line)) continue;
    for (const [, span] of line.matchAll(/`([^`]+)`/g)) {
      if (span && SCHEMA_PATH.test(span)) paths.push(span);
    }
  }
  return paths;
}

/** Whether a change's path is listed, itself or through a listed type or field above it. */
export function isListed(path: string, listed: readonly string[]): boolean {
  return listed.some((entry) => path === entry || path.startsWith(`${entry}.`));
}

/** One line per change, for test failures and the test output. */
export function describeChanges(changes: readonly ContractChange[]): string[] {
  return changes.map((change) => `${change.level} ${change.path}: ${change.message}`);
}
