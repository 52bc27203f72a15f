import { builder } from '../../builder';
import { CaseNoteInterface, type NoteInContext } from '../case-notes';

// ── What a partner agency sees ─────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  releasedToMe: t.field({
    type: [CaseNoteInterface],
    description:
      'For a partner agency’s app: exactly the items released to it whose grant has not expired and whose consent still stands. Nothing else of the organisation is visible to partners.',
    operation: { policy: 'disclosure.partner-releases', audit: 'fields' },
    resolve: async (operation, _args, context) => {
      const scope = operation.scope;
      const { loader } = context.access;
      // Exactly the granted items, read by key: clients, notes and keys all in one batch.
      const reads = [...(await context.access.partnerItems())].flatMap(([clientId, noteIds]) => {
        loader.prefetchSubjectKey(scope.orgId, clientId);
        return [...noteIds].map(async (noteId) => {
          const [client, note] = await Promise.all([
            context.services.serviceUsers.get(scope, clientId, loader),
            context.services.caseNotes.get(scope, clientId, noteId, loader),
          ]);
          return client && note ? [{ client, note }] : [];
        });
      });
      const results: NoteInContext[] = (await Promise.all(reads)).flat();
      return results.sort(
        (a, b) =>
          a.client.clientId.localeCompare(b.client.clientId) ||
          b.note.recordedAt.localeCompare(a.note.recordedAt),
      );
    },
  }),
}));
