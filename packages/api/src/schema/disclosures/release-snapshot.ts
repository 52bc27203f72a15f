import { validate } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import type { CaseNote, ReleasedItem } from '@confide/store';
import type { ConfideServices } from '../../services';

const literal = (phrase: string) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The items exactly as they leave (Azure 7.0, only the minimal amount necessary): each redacted phrase is
 * replaced by [REDACTED] wherever it occurs, in any letter case, longest phrase first. A phrase found in none of
 * the released items is refused (BAD_USER_INPUT naming it): a mistyped redaction would otherwise let the words
 * it meant to remove leave unnoticed.
 */
export function releasedItems(
  services: ConfideServices,
  key: SubjectKey,
  notes: readonly CaseNote[],
  redactions: readonly string[],
): ReleasedItem[] {
  const bodies = notes.map((note) => services.caseNotes.openBody(key, note));
  const patterns = redactions.map((phrase) => new RegExp(literal(phrase), 'giu'));
  patterns.forEach((pattern, index) => {
    if (!bodies.some((body) => body.search(pattern) >= 0)) {
      throw validate.badInputError(
        ['input', 'redactions', String(index)],
        'A redaction must match text in the released items.',
      );
    }
  });
  const longestFirst = patterns
    .map((pattern, index) => ({ pattern, length: redactions[index]?.length ?? 0 }))
    .sort((a, b) => b.length - a.length);
  return notes.map((note, index) => {
    let body = bodies[index] ?? '';
    for (const { pattern } of longestFirst) body = body.replace(pattern, '[REDACTED]');
    return {
      noteId: note.noteId,
      kind: note.kind,
      recordedAt: note.recordedAt,
      version: note.version,
      amendedAt: note.amendedAt,
      body,
    };
  });
}
