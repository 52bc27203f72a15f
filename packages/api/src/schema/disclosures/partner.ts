import type { ReleasedNoteRef } from '@confide/store';
import { builder } from '../../builder';
import { asReleased, CaseNoteInterface, type NoteInContext } from '../case-notes';
import { listPositions, storeConnection } from '../store-paging';

/** `releasedToMe`'s order: by person, newest note first, then by note id (code-unit order, as the index sorts). */
function releasedOrder(a: NoteInContext, b: NoteInContext): number {
  const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    compare(a.client.clientId, b.client.clientId) ||
    compare(b.note.recordedAt, a.note.recordedAt) ||
    compare(a.note.noteId, b.note.noteId)
  );
}

// ── What a partner agency sees ─────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  releasedToMeConnection: t.connection({
    type: CaseNoteInterface,
    description:
      'For a partner agency’s app: what `releasedToMe` lists, in its order (by person, newest note first), as a cursor connection paged in the store: the notes released to the partner are kept as their own index, written with each release (decision 0044), and each page decides only its own releases (grant, consent, snapshot digest). FORBIDDEN for anyone but a partner agency.',
    operation: { policy: 'disclosure.partner-releases', audit: 'fields' },
    resolve: (operation, args, context) => {
      const scope = operation.scope;
      // The policy admits partner agencies alone (`principals: ['PARTNER']`), refusing anyone else before this runs.
      const { partnerId } = operation.partner;
      const { loader } = context.access;
      return storeConnection(
        args,
        listPositions(context, 'releasedToMeConnection'),
        (page) => context.services.disclosures.releasedPage(scope, partnerId, page),
        async (refs: readonly ReleasedNoteRef[]) => {
          const grants = await context.services.disclosures.grantsFor(scope, refs);
          const standing = await context.access.partnerReleasesOf(grants);
          return Promise.all(
            refs.map(async (ref): Promise<NoteInContext | undefined> => {
              const released = standing.get(ref.clientId)?.get(ref.noteId);
              if (!released) return undefined;
              loader.prefetchSubjectKey(scope.orgId, ref.clientId);
              const [client, note] = await Promise.all([
                context.services.serviceUsers.get(scope, ref.clientId, loader),
                context.services.caseNotes.get(scope, ref.clientId, ref.noteId, loader),
              ]);
              if (!client || !note) return undefined;
              return asReleased(client, note, released);
            }),
          );
        },
      );
    },
  }),
  releasedToMe: t.field({
    type: [CaseNoteInterface],
    deprecationReason:
      'A list that grows (issue 19): use `releasedToMeConnection`, which pages with cursors.',
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
          return [asReleased(client, note, item)];
        });
      });
      const results: NoteInContext[] = (await Promise.all(reads)).flat();
      return results.sort(releasedOrder);
    },
  }),
}));
