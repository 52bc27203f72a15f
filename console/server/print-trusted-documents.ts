import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as documents from '../src/documents';

/**
 * The console's operations as registered documents (decision 0036): production runs registered documents only, so
 * each operation the console sends is written, byte for byte as the console sends it, to
 * `schema/trusted/confide-console/<OperationName>.graphql`. Run `npm run trusted -w @confide/console`, then
 * `npm run schema:print` for the manifest; a test fails while either is stale.
 */
export const CONSOLE_TRUSTED_DIR = fileURLToPath(
  new URL('../../schema/trusted/confide-console/', import.meta.url),
);

/** Each operation's name and its exact text. */
export function consoleOperations(): { name: string; text: string }[] {
  return Object.values(documents)
    .map((document) => String(document))
    .map((text) => ({ name: /\b(?:query|mutation)\s+(\w+)/.exec(text)?.[1] ?? '', text }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  rmSync(CONSOLE_TRUSTED_DIR, { recursive: true, force: true });
  mkdirSync(CONSOLE_TRUSTED_DIR, { recursive: true });
  for (const { name, text } of consoleOperations())
    writeFileSync(join(CONSOLE_TRUSTED_DIR, `${name}.graphql`), text);
  console.log(`Wrote ${readdirSync(CONSOLE_TRUSTED_DIR).length} documents to ${CONSOLE_TRUSTED_DIR}`);
}
