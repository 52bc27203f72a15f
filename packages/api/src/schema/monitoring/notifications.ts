import { type GovernanceNotification, NOTIFICATION_KINDS } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';

const NotificationKindEnum = builder.enumType('GovernanceNotificationKind', {
  description:
    'What the governance contacts are told about: a break-glass opening, a disclosure request escalated to the Caldicott Guardian, a breach past its 72-hour clock, a subject access request near or past its deadline, the administration restored by two operators.',
  values: NOTIFICATION_KINDS,
});

const NotificationRef = builder.objectRef<GovernanceNotification>('GovernanceNotification');
NotificationRef.implement({
  description:
    'A notification to the organisation’s governance contacts (decision 0035): a kind and a reference, never personal data. The reader follows the reference under their own need-to-know.',
  fields: (t) => ({
    kind: t.field({ type: NotificationKindEnum, description: 'What happened.', resolve: (n) => n.kind }),
    reference: t.id({
      description:
        'Opaque: the id of the emergency access review, disclosure request, breach or subject access request, as the matching queue names it; for a restored administration, the restoration’s.',
      resolve: (n) => n.reference,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was raised.',
      resolve: (n) => new Date(n.createdAt),
    }),
  }),
});

builder.queryFields((t) => ({
  governanceNotifications: t.connection({
    type: NotificationRef,
    description:
      'The organisation’s governance notifications, newest first (IG_LEAD, CALDICOTT_GUARDIAN). In AWS each is also sent to the stage’s governance topic, whose email subscriptions are filtered by organisation.',
    operation: { policy: 'monitoring.notifications', audit: 'after' },
    resolve: async (operation, args, context) =>
      resolveArrayConnection({ args }, await context.services.notifications.list(operation.scope)),
  }),
}));
