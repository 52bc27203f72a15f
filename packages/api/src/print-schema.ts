import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema } from 'graphql';
import { schema } from './schema';

/**
 * Printing the SDL is for development and tests (`npm run schema:print`, `@confide/api/print-schema`), never the
 * Lambda: it is not exported from the package's index, so the api bundle leaves it and its printer out.
 */

/**
 * The partner contract: the SDL with every directive, exactly as the server enforces it, sorted by name so that its
 * diffs show changes, not the order modules declare things in. The server's schema is left unsorted: sorting it
 * rebuilt every type at each cold start (decision 0038).
 */
export function printConfideSchema(): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}

export const SCHEMA_FILE = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, printConfideSchema());
  console.log(`Wrote ${SCHEMA_FILE}`);
}
