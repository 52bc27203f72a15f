import { conflict } from '@confide/domain';
import { itemKeyOf, TamperedItemError } from '@confide/store';
import { builder } from '../../builder';
import { clientById } from '../subjects';
import { statedReason } from './legal-holds';

interface Erasure {
  readonly clientId: string;
  readonly erasedAt: string;
  readonly itemsRemoved: number;
}

const ErasureRef = builder.objectRef<Erasure>('ServiceUserErasure');
ErasureRef.implement({
  description:
    'An erasure: the person’s data key is destroyed, so every copy of their records is unreadable.',
  fields: (t) => ({
    serviceUserId: t.globalID({
      description: 'The erased person’s (pseudonymous) id.',
      resolve: (erasure) => ({ type: 'ServiceUser', id: erasure.clientId }),
    }),
    erasedAt: t.field({ type: 'DateTime', description: 'When.', resolve: (erasure) => erasure.erasedAt }),
    itemsRemoved: t.int({ description: 'Items deleted.', resolve: (erasure) => erasure.itemsRemoved }),
  }),
});

builder.mutationFields((t) => ({
  eraseServiceUser: t.field({
    type: ErasureRef,
    description:
      'Erases a person: their data key is destroyed at once (crypto-shredding: backups become unreadable too) and their items deleted, each leaving a non-identifying tombstone. Two people: the IG lead proposes it with a reason (APPROVAL_REQUIRED, `extensions.approvalId`) and it runs when the Caldicott Guardian or another IG lead approves it (`approveChange`). Only for a closed case with no legal hold, no open safeguarding investigation and no emergency access awaiting its review (CONFLICT otherwise, when proposed or approved). This is also the path for records whose retention has run out (a closure, rule change or lift that would expire them at once is refused). Audited with the reason.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why (e.g. the erasure request it answers).' }),
    },
    operation: {
      policy: 'retention.erasure',
      subject: clientById((args) => args.serviceUserId),
      // Checked when proposed and again when approved: nothing erasable, nothing pending.
      validate: async (args, context, subject) => {
        statedReason(context, args.reason);
        if (subject.kind !== 'CLIENT') return;
        const client = subject.client;
        if (context.services.retention.holdOn(client))
          throw conflict('The records are under a legal hold and cannot be erased.');
        if (client.caseStatus !== 'CLOSED') throw conflict('Close the case before erasing the records.');
        if (client.investigations.some((investigation) => investigation.status === 'OPEN')) {
          throw conflict(
            'An open safeguarding investigation names this person; the records cannot be erased.',
          );
        }
        // The review of an emergency access needs the person's record (and the detail sealed under their key): an
        // erasure first would end that oversight for good. (The erasure's own transaction checks it again.)
        if (context.services.retention.reviewHoldsOn(client).length > 0) {
          throw conflict(
            'An emergency access to this person awaits its review; complete the review before erasing the records.',
          );
        }
        // The profile's marker is plain (decision 0097), the reviews are not (0098): a pending review of the person
        // that the marker no longer names was taken off it in the table. Read here only, as erasure is rare and
        // cannot be undone.
        const pending = await context.services.emergencyReviews.list(context.access.scope, 'PENDING');
        if (pending.some((review) => review.clientId === client.clientId)) {
          throw new TamperedItemError(client.clientId, 'PROFILE', itemKeyOf(client.pk, 'PROFILE'));
        }
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, _args, context) => {
      const { client, scope } = operation;
      const { retention } = context.services;
      const key = await context.access.loader.subjectKey(scope.orgId, client.clientId);
      const result = await retention.erase(scope, client, key, {
        erasedBy: operation.proposedBy ?? operation.staff.staffId,
        approvedBy: operation.staff.staffId,
      });
      return { clientId: client.clientId, ...result };
    },
  }),
}));
