import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { stripIgnoredCharacters } from 'graphql';
import { trustedDocumentId } from './trusted-document-id';

/**
 * Writes `schema/trusted-documents.json`, the manifest of the documents a trusted-documents-only stage runs (decision
 * 0036): every `.graphql` file of schema/examples and schema/trusted, by id; and beside it the api's compact copy,
 * `trusted-documents.compact.json`: each id's document with its comments and spacing taken out, which is what the api
 * runs and carries in its bundle, compressed (decisions 0049, 0096). Development only (`npm run schema:print`).
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
 * The api's compact copy: each registered document by the id of its full text, without the `sha256:` every id starts
 * with (the api adds it back), comments and spacing out.
 */
export function compactTrustedDocuments(): Record<string, string> {
  const documents: Record<string, string> = {};
  for (const { id, text } of registeredDocuments())
    documents[id.slice(ID_PREFIX.length)] = stripIgnoredCharacters(text);
  return documents;
}

/**
 * The compact copy's file: {@link compactTrustedDocuments} as JSON, brotli-compressed and in base64 (decision 0096:
 * 7 KB of the bundle instead of 22 KB). Its bytes may differ from one brotli build to another; what it decodes to may
 * not (`test/edges/trusted-documents.test.ts`).
 */
export function printCompactTrustedDocuments(): string {
  const json = Buffer.from(JSON.stringify(compactTrustedDocuments()), 'utf8');
  const packed = brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  return `${JSON.stringify({ encoding: 'brotli+base64', documents: packed.toString('base64') }, null, 2)}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TRUSTED_DOCUMENTS_FILE, printTrustedDocuments());
  writeFileSync(COMPACT_TRUSTED_DOCUMENTS_FILE, printCompactTrustedDocuments());
  console.log(`Wrote ${TRUSTED_DOCUMENTS_FILE} and ${COMPACT_TRUSTED_DOCUMENTS_FILE}`);
}
