import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripIgnoredCharacters } from 'graphql';
import { trustedDocumentId } from './trusted-document-id';

/**
 * Writes `schema/trusted-documents.json`, the manifest of the documents a trusted-documents-only stage runs (decision
 * 0036): every `.graphql` file of schema/examples and schema/trusted, by id; and beside it the api's compact copy,
 * `trusted-documents.compact.json`: each id's document with its comments and spacing taken out, which is what the api
 * runs and carries in its bundle (decision 0049). Development only (`npm run schema:print`).
 */

const SCHEMA_DIR = fileURLToPath(new URL('../../../schema/', import.meta.url));
export const TRUSTED_DOCUMENTS_FILE = join(SCHEMA_DIR, 'trusted-documents.json');
export const COMPACT_TRUSTED_DOCUMENTS_FILE = join(SCHEMA_DIR, 'trusted-documents.compact.json');
const ID_PREFIX = 'sha256:';

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return graphqlFiles(path);
      return entry.name.endsWith('.graphql') ? [path] : [];
    })
    .sort();
}

function registeredDocuments(): { id: string; file: string; text: string }[] {
  return [...graphqlFiles(join(SCHEMA_DIR, 'examples')), ...graphqlFiles(join(SCHEMA_DIR, 'trusted'))].map(
    (path) => {
      const text = readFileSync(path, 'utf8');
      return { id: trustedDocumentId(text), file: relative(SCHEMA_DIR, path).split('\\').join('/'), text };
    },
  );
}

/** The manifest's text, exactly as written. */
export function printTrustedDocuments(): string {
  const documents: Record<string, { file: string; text: string }> = {};
  for (const { id, file, text } of registeredDocuments()) documents[id] = { file, text };
  return `${JSON.stringify({ documents }, null, 2)}\n`;
}

/**
 * The api's compact copy's text: each registered document by the id of its full text, without the `sha256:` every id
 * starts with (the api adds it back), comments and spacing out.
 */
export function printCompactTrustedDocuments(): string {
  const documents: Record<string, string> = {};
  for (const { id, text } of registeredDocuments())
    documents[id.slice(ID_PREFIX.length)] = stripIgnoredCharacters(text);
  return `${JSON.stringify(documents, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TRUSTED_DOCUMENTS_FILE, printTrustedDocuments());
  writeFileSync(COMPACT_TRUSTED_DOCUMENTS_FILE, printCompactTrustedDocuments());
  console.log(`Wrote ${TRUSTED_DOCUMENTS_FILE} and ${COMPACT_TRUSTED_DOCUMENTS_FILE}`);
}
