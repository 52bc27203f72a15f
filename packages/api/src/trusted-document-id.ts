import { createHash } from 'node:crypto';

/** A registered document's id: `sha256:` and the hex SHA-256 of its exact text. */
export function trustedDocumentId(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
