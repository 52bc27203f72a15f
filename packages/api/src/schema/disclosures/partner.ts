import { builder } from '../../builder';
import { CaseNoteInterface, type NoteInContext } from '../case-notes';

// ── What a partner agency sees ─────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  releasedToMe: t.field({
    type: [CaseNoteInterface],
    description:
      'For a partner agency’s app: exactly the items released to it whose grant has not expired and whose consent still stands, each as it was released — redactions applied, as of the release (a later amendment never reaches the partner); SHA-256 of the JSON list of `{ noteId, kind, recordedAt, body }` of a release is the register’s snapshotDigest. Nothing else of the organisation is visible to partners.',
    operation: { policy: 'disclosure.partner-releases', audit: 'fields' },
    resolve: async (operation, _args, context) => {
      const scope = operation.scope;
      const { loader } = context.access;
      // Exactly the granted items, read by key: clients, notes and keys all in one batch. The partner reads
      // each as it was released (the snapshot the register's digest covers); the live note only supplies the
      // facts need-to-know decides on, and no longer being in the record ends the release.
      const reads = [...(await context.access.partnerItems())].flatMap(([clientId, released]) => {
        loader.prefetchSubjectKey(scope.orgId, clientId);
        return [...released.values()].map(async (item) => {
          const [client, note] = await Promise.all([
            context.services.serviceUsers.get(scope, clientId, loader),
            context.services.caseNotes.get(scope, clientId, item.noteId, loader),
          ]);
          if (!client || !note) return [];
          const asReleased = { ...note, version: item.version, amendedAt: item.amendedAt };
          return [{ client, note: asReleased, released: item }];
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
