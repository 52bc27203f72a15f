import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILE } from '@confide/api/print-schema';
import { buildSchema, NoDeprecatedCustomRule, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { consoleOperations } from '../../console/server/print-trusted-documents';

/**
 * What partners copy (schema/examples) and what is registered to run in production (schema/trusted, the console's
 * documents among them) uses no field the schema deprecates: a deprecated field is kept for callers that have not
 * moved yet, and the reference documents are the ones that show them where to move (issue 19: growing lists became
 * cursor connections, raw ids became global ones).
 */

const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** Every `.graphql` file under a folder, recursively, as its path from schema/ and its text. */
function documentsUnder(folder: string): { name: string; source: string }[] {
  return readdirSync(join(SCHEMA_DIR, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({
      name: relative(SCHEMA_DIR, join(SCHEMA_DIR, folder, file)),
      source: readFileSync(join(SCHEMA_DIR, folder, file), 'utf8'),
    }));
}

const printedSchema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));

const deprecatedUses = (source: string) =>
  validate(printedSchema, parse(source), [NoDeprecatedCustomRule]).map((error) => error.message);

describe('registered and example documents use no deprecated field', () => {
  const files = [...documentsUnder('examples'), ...documentsUnder('trusted')];
  const consoleDocuments = consoleOperations().map(({ name, text }) => ({
    name: `console: ${name}`,
    source: text,
  }));

  it('finds the documents it checks', () => {
    expect(files.filter(({ name }) => name.startsWith('examples/')).length).toBeGreaterThan(0);
    expect(files.filter(({ name }) => name.startsWith('trusted/confide-console/')).length).toBe(
      consoleDocuments.length,
    );
    expect(consoleDocuments.length).toBeGreaterThan(0);
  });

  for (const { name, source } of [...files, ...consoleDocuments]) {
    it(name, () => {
      expect(deprecatedUses(source)).toEqual([]);
    });
  }

  it('would report a use of a deprecated field (the check can fail)', () => {
    expect(deprecatedUses('query Old { services { id } }')).toEqual([
      'The field Query.services is deprecated. A list that grows (issue 19): use `servicesConnection`, which pages with cursors.',
    ]);
  });
});
