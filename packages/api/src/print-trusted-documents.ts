import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustedDocumentId } from './trusted-documents';

/**
 * Writes `schema/trusted-documents.json`, the manifest of the documents a trusted-documents-only stage runs (decision
 * 0036): every `.graphql` file of schema/examples and schema/trusted, by id. Development only (`npm run schema:print`).
 */

const SCHEMA_DIR = fileURLToPath(new URL('../../../schema/', import.meta.url));
export const TRUSTED_DOCUMENTS_FILE = join(SCHEMA_DIR, 'trusted-documents.json');

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return graphqlFiles(path);
      return entry.name.endsWith('.graphql') ? [path] : [];
    })
    .sort();
}

/** The manifest's text, exactly as written. */
export function printTrustedDocuments(): string {
  const documents: Record<string, { file: string; text: string }> = {};
  for (const path of [
    ...graphqlFiles(join(SCHEMA_DIR, 'examples')),
    ...graphqlFiles(join(SCHEMA_DIR, 'trusted')),
  ]) {
    const text = readFileSync(path, 'utf8');
    documents[trustedDocumentId(text)] = { file: relative(SCHEMA_DIR, path).split('\\').join('/'), text };
  }
  return `${JSON.stringify({ documents }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TRUSTED_DOCUMENTS_FILE, printTrustedDocuments());
  console.log(`Wrote ${TRUSTED_DOCUMENTS_FILE}`);
}
