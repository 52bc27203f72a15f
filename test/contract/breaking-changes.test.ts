import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILE } from '@confide/api/print-schema';
import { buildSchema, type DocumentNode, parse, print, visit } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compareContracts, describeChanges, isListed, listedBreakingChanges } from './contract-changes';

/**
 * Contract stability for partner front-ends: `schema/schema.graphql` against the last released contract
 * `schema/released.graphql`. A breaking change fails unless CHANGELOG.md lists it under Unreleased → Breaking;
 * dangerous changes are reported. The checker itself is tested below with changes known to be breaking.
 */

const RELEASED_FILE = fileURLToPath(new URL('../../schema/released.graphql', import.meta.url));
const CHANGELOG_FILE = fileURLToPath(new URL('../../CHANGELOG.md', import.meta.url));
const PACKAGE_FILE = fileURLToPath(new URL('../../package.json', import.meta.url));

const released = readFileSync(RELEASED_FILE, 'utf8');
const changelog = readFileSync(CHANGELOG_FILE, 'utf8');

describe('schema/schema.graphql against the released contract', () => {
  it('has no breaking change that CHANGELOG.md does not list under Unreleased → Breaking', async () => {
    // Act
    const report = await compareContracts(released, readFileSync(SCHEMA_FILE, 'utf8'), changelog);

    // Assess
    if (report.dangerous.length + report.allowedBreaking.length > 0) {
      console.info(
        ['Contract changes since the last release (listed breaking, and dangerous):']
          .concat(describeChanges([...report.allowedBreaking, ...report.dangerous]))
          .join('\n  '),
      );
    }
    expect(
      describeChanges(report.unlistedBreaking).map(
        (line) => `${line} — list its path under "## Unreleased" → "### Breaking" in CHANGELOG.md`,
      ),
    ).toEqual([]);
  });

  it('starts from a released contract that is a whole schema, recorded in CHANGELOG.md at the package version', () => {
    const schema = buildSchema(released);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).length).toBeGreaterThan(10);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).length).toBeGreaterThan(10);
    const { version } = JSON.parse(readFileSync(PACKAGE_FILE, 'utf8')) as { version: string };
    const releases = [...changelog.matchAll(/^## (\d+\.\d+\.\d+)\b/gm)].map((match) => match[1]);
    expect(releases[0]).toBe(version);
    expect(changelog).toMatch(/^## Unreleased\s*$/m);
  });
});

// ── The checker ───────────────────────────────────────────────────────────────────────────────────────────────

/** The released contract with one root field removed (a breaking change), through the AST. */
function withoutField(sdl: string, typeName: string, fieldName: string): string {
  const document: DocumentNode = visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (node.name.value !== typeName) return undefined;
      return { ...node, fields: node.fields?.filter((field) => field.name.value !== fieldName) };
    },
  });
  return print(document);
}

const changelogListing = (...lines: string[]) =>
  ['# Changelog', '', '## Unreleased', '', '### Breaking', '', ...lines, '', '## 0.1.0', ''].join('\n');

describe('the breaking-change check', () => {
  it('reports a field removed from the real contract as breaking, and lets it through once listed', async () => {
    // Prepare
    const current = withoutField(released, 'Query', 'caseload');
    expect(current).not.toContain('caseload(');

    // Act
    const unlisted = await compareContracts(released, current, changelog);
    const listed = await compareContracts(
      released,
      current,
      changelogListing('- `Query.caseload` removed: use `serviceUsers`.'),
    );

    // Assess
    expect(describeChanges(unlisted.unlistedBreaking)).toEqual([
      "BREAKING Query.caseload: Field 'caseload' was removed from object type 'Query'",
    ]);
    expect(listed.unlistedBreaking).toEqual([]);
    expect(describeChanges(listed.allowedBreaking)).toEqual([
      "BREAKING Query.caseload: Field 'caseload' was removed from object type 'Query'",
    ]);
  });

  it('finds no change between a contract and itself', async () => {
    expect(await compareContracts(released, released, changelog)).toEqual({
      allowedBreaking: [],
      unlistedBreaking: [],
      dangerous: [],
      nonBreaking: [],
    });
  });

  const BEFORE = `
    type Query { caseload(first: Int): [Client!]! client(id: ID!): Client }
    type Client { id: ID! name: String kind: Kind! }
    enum Kind { PRIMARY COVER }
    input NoteInput { body: String! }
    type Mutation { recordNote(input: NoteInput!): Client! }
  `;

  it('sorts changes by criticality: breaking ones fail, dangerous and safe ones are reported', async () => {
    // Prepare: a required argument, a narrowed type, a removed enum value, a required input field (breaking);
    // an added enum value (dangerous); an added field (safe)
    const after = `
      type Query { caseload(first: Int!): [Client!]! client(id: ID!): Client }
      type Client { id: ID! name: Int kind: Kind! pronouns: String }
      enum Kind { PRIMARY RESPITE }
      input NoteInput { body: String! reason: String! }
      type Mutation { recordNote(input: NoteInput!): Client! }
    `;

    // Act
    const report = await compareContracts(BEFORE, after, changelogListing());

    // Assess
    expect(report.unlistedBreaking.map((change) => change.path).sort()).toEqual([
      'Client.name',
      'Kind.COVER',
      'NoteInput.reason',
      'Query.caseload.first',
    ]);
    expect(report.dangerous.map((change) => change.path)).toEqual(['Kind.RESPITE']);
    expect(report.nonBreaking.map((change) => change.path)).toEqual(['Client.pronouns']);
    expect(report.allowedBreaking).toEqual([]);
  });

  it('allows exactly the breaking changes the Unreleased → Breaking list names, a type or field covering its parts', async () => {
    // Prepare
    const after = `
      type Query { caseload(first: Int!): [Client!]! }
      type Client { id: ID! name: String kind: Kind! }
      enum Kind { PRIMARY }
      input NoteInput { body: String! }
      type Mutation { recordNote(input: NoteInput!): Client! }
    `;
    const text = changelogListing(
      '- `Query.caseload` now needs `first` (at most 100).',
      '- `Kind.COVER` removed: cover is an allocation with an end.',
    );

    // Act
    const report = await compareContracts(BEFORE, after, text);

    // Assess
    expect(report.allowedBreaking.map((change) => change.path).sort()).toEqual([
      'Kind.COVER',
      'Query.caseload.first',
    ]);
    expect(report.unlistedBreaking.map((change) => change.path)).toEqual(['Query.client']);
  });

  it('reads only list lines of Unreleased → Breaking, outside comments', () => {
    const text = [
      '# Changelog',
      'Format: - `Query.example` removed.',
      '## Unreleased',
      '### Breaking',
      '<!-- - `Query.commented` removed -->',
      '- `ServiceUser.name` is now `PersonName` — and `Query.other` too',
      '* `Mutation.recordNote.input` is required',
      'Prose about `Query.prose` is not a listing.',
      '### Dangerous',
      '- `Kind.RESPITE` added',
      '## 0.1.0 — 2026-11-22',
      '### Breaking',
      '- `Query.old` removed',
    ].join('\n');
    expect(listedBreakingChanges(text)).toEqual([
      'ServiceUser.name',
      'PersonName',
      'Query.other',
      'Mutation.recordNote.input',
    ]);
    expect(listedBreakingChanges(changelog)).toEqual([]);
  });

  it('matches a listed path itself and the paths beneath it, nothing else', () => {
    expect(isListed('Query.caseload', ['Query.caseload'])).toBe(true);
    expect(isListed('Query.caseload.first', ['Query.caseload'])).toBe(true);
    expect(isListed('ServiceUser.name', ['ServiceUser'])).toBe(true);
    expect(isListed('Query.caseloads', ['Query.caseload'])).toBe(false);
    expect(isListed('Query', ['Query.caseload'])).toBe(false);
    expect(isListed('Query.caseload', [])).toBe(false);
  });
});
