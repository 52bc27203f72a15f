import { type ConfideClientOptions, execute } from './client';
import { type NoteKind, WorkerCaseloadDocument, WorkerRecordNoteDocument } from './gql/graphql';

/**
 * A support worker's day with the typed client: the caseload with each person's latest note, and recording a note.
 * Everything below is checked against the schema: rename a field the example reads, or change its type, and
 * `npm run check` fails here (or already in generation, when an operation no longer validates).
 */

/** One line of the worker's caseload screen. */
export interface CaseloadLine {
  readonly serviceUserId: string;
  readonly reference: string | null;
  readonly open: boolean;
  /** When the latest note was recorded (null when none, or when the caller may not see it). */
  readonly latestNoteAt: string | null;
}

/** The first page of the caller's caseload, as lines. */
export async function caseloadLines(client: ConfideClientOptions, first = 25): Promise<CaseloadLine[]> {
  const { data } = await execute(client, WorkerCaseloadDocument, { first });
  return (data?.caseload.edges ?? []).map(({ node }) => ({
    serviceUserId: node.id,
    reference: node.reference,
    open: node.caseStatus === 'OPEN',
    latestNoteAt: node.latestNote?.recordedAt ?? null,
  }));
}

/** Records a note once, however often it is retried with the same key; answers the note's id and version. */
export async function recordNote(
  client: ConfideClientOptions,
  note: { serviceUserId: string; kind: NoteKind; body: string; idempotencyKey: string },
): Promise<{ id: string; version: number }> {
  const { data } = await execute(client, WorkerRecordNoteDocument, { input: note });
  if (!data) throw new Error('No note recorded.');
  return { id: data.recordNote.id, version: data.recordNote.version };
}
