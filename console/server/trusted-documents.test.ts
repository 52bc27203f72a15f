import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TRUSTED_DIR, consoleOperations } from './print-trusted-documents';

/**
 * Production runs registered documents only (decision 0036): every operation the console sends must be registered,
 * byte for byte, or the console answers UNTRUSTED_DOCUMENT in AWS. Fix with `npm run trusted -w @confide/console`
 * and `npm run schema:print`.
 */
const manifest = JSON.parse(
  readFileSync(join(CONSOLE_TRUSTED_DIR, '..', '..', 'trusted-documents.json'), 'utf8'),
) as { documents: Record<string, { file: string; text: string }> };

describe('the console’s registered documents', () => {
  const operations = consoleOperations();

  it('registers each operation the console sends, as its exact text, and nothing else', () => {
    expect(readdirSync(CONSOLE_TRUSTED_DIR).sort()).toEqual(
      operations.map(({ name }) => `${name}.graphql`).sort(),
    );
    for (const { name, text } of operations) {
      expect(readFileSync(join(CONSOLE_TRUSTED_DIR, `${name}.graphql`), 'utf8'), name).toBe(text);
    }
  });

  it('has each of them in the manifest the api carries', () => {
    for (const { name, text } of operations) {
      const id = `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
      expect(manifest.documents[id]?.file, name).toBe(`trusted/confide-console/${name}.graphql`);
    }
  });
});
