import { validate } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import type { CaseNote, ReleasedItem } from '@confide/store';
import type { ConfideServices } from '../../services';

const literal = (phrase: string) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase as it may appear in a note: its words in any letter case, separated by any run of whitespace. */
const phrasePattern = (phrase: string) =>
  new RegExp(phrase.trim().split(/\s+/u).map(literal).join('\\s+'), 'giu');

/** Where the patterns match in `body`, as [start, end) ranges, overlapping or touching ranges merged. */
function redactedRanges(body: string, patterns: readonly RegExp[]): [number, number][] {
  const ranges = patterns
    .flatMap((pattern) =>
      [...body.matchAll(pattern)].map((m): [number, number] => [m.index, m.index + m[0].length]),
    )
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * The items exactly as they leave (Azure 7.0, only the minimal amount necessary): each redacted phrase is
 * replaced by [REDACTED] wherever it occurs, in any letter case and whatever whitespace separates its words
 * (a line break, two spaces); where phrases overlap, the whole of both goes (one replaced first must not leave the
 * rest of the other behind). A phrase found in none of the released items is refused (BAD_USER_INPUT naming it):
 * a mistyped redaction would otherwise let the words it meant to remove leave unnoticed.
 */
export function releasedItems(
  services: ConfideServices,
  key: SubjectKey,
  notes: readonly CaseNote[],
  redactions: readonly string[],
): ReleasedItem[] {
  const bodies = notes.map((note) => services.caseNotes.openBody(key, note));
  const patterns = redactions.map(phrasePattern);
  patterns.forEach((pattern, index) => {
    if (!bodies.some((body) => body.search(pattern) >= 0)) {
      throw validate.badInputError(
        ['input', 'redactions', String(index)],
        'A redaction must match text in the released items.',
      );
    }
  });
  return notes.map((note, index) => {
    const original = bodies[index] ?? '';
    let body = '';
    let from = 0;
    for (const [start, end] of redactedRanges(original, patterns)) {
      body += `${original.slice(from, start)}[REDACTED]`;
      from = end;
    }
    body += original.slice(from);
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
