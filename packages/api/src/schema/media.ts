import { ConfideError, ErrorCode, validate } from '@confide/domain';
import {
  type ConsentRecord,
  type ConsentScope,
  MEDIA_KINDS,
  MEDIA_PURPOSES,
  type MediaKind,
  type MediaRecord,
  type SealedMediaField,
  type ServiceUserRecord,
} from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { oncePerRequest } from './access-governance/shared';
import { ServiceUserRef } from './service-users';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';

/** A media item with its client, and whether the consent it was taken under is still in force. */
interface MediaInContext {
  readonly client: ServiceUserRecord;
  readonly media: MediaRecord;
  readonly consentWithdrawn: boolean;
}

/**
 * The consent scope a photo or recording needs, whatever its purpose: the consent vocabulary has one scope
 * per kind of media, and Azure 8.1 allows no image or recording of a client without prior written consent.
 */
export const MEDIA_CONSENT_SCOPE: Readonly<Record<MediaKind, ConsentScope>> = {
  PHOTO: 'PUBLICITY_IMAGES',
  RECORDING: 'PUBLICITY_RECORDINGS',
};

/** Written (signed form or email, never verbal), recorded with a manager involved, not withdrawn (Azure 8.1). */
export function consentCoversMedia(consent: ConsentRecord, kind: MediaKind): boolean {
  return (
    consent.scope === MEDIA_CONSENT_SCOPE[kind] &&
    (consent.method === 'SIGNED_FORM' || consent.method === 'EMAIL') &&
    consent.managerInvolved &&
    consent.withdrawnAt === undefined
  );
}

const MediaKindEnum = builder.enumType('MediaKind', {
  description: 'A still image or an audio/video recording.',
  values: MEDIA_KINDS,
});

const MediaPurposeEnum = builder.enumType('MediaPurpose', {
  description:
    'Why the item is kept: PUBLICITY (publicity or communication, e.g. on the internet) or CARE_RECORD (part of the person’s care record). Both need the same prior written consent (Azure 8.1).',
  values: MEDIA_PURPOSES,
});

const ofMedia = (parent: MediaInContext) => ({ client: parent.client, itemId: parent.media.mediaId });

async function sealed(parent: MediaInContext, field: SealedMediaField, context: ConfideContext) {
  const key = await context.access.clientKey(parent.client);
  return context.services.media.openSealed(key, parent.media, field) ?? null;
}

const MediaItemRef = builder.objectRef<MediaInContext>('MediaItem');
MediaItemRef.implement({
  ...personalData({}),
  description:
    'A photo or recording of a service user (CARE): metadata, a caption and a reference to the stored object, both encrypted under the person’s key. Recorded only under prior written consent obtained with a manager (Azure 8.1).',
  fields: (t) => ({
    id: t.string({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description: 'The media item.',
      resolve: (p) => p.media.mediaId,
    }),
    kind: t.field({
      ...needToKnow('CARE', ofMedia),
      type: MediaKindEnum,
      nullable: true,
      description: 'PHOTO or RECORDING.',
      resolve: (p) => p.media.kind,
    }),
    purpose: t.field({
      ...needToKnow('CARE', ofMedia),
      type: MediaPurposeEnum,
      nullable: true,
      description: 'PUBLICITY or CARE_RECORD.',
      resolve: (p) => p.media.purpose,
    }),
    caption: t.string({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description: 'What the item shows, as recorded.',
      resolve: (p, _a, c) => sealed(p, 'caption', c),
    }),
    objectReference: t.string({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description: 'Where the object itself is stored (e.g. an object-store key); encrypted at rest.',
      resolve: (p, _a, c) => sealed(p, 'objectReference', c),
    }),
    consentId: t.string({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description: 'The consent the item was recorded under.',
      resolve: (p) => p.media.consentId,
    }),
    consentWithdrawn: t.boolean({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description:
        'True once the consent the item was recorded under has been withdrawn: the item stays on the care record but must not be used for its purpose (in particular, no publicity) any more.',
      resolve: (p) => p.consentWithdrawn,
    }),
    recordedBy: t.globalID({
      ...needToKnow('CARE', ofMedia),
      nullable: true,
      description: 'The staff member who recorded it.',
      resolve: (p) => ({ type: 'StaffMember', id: p.media.recordedBy }),
    }),
    recordedAt: t.field({
      ...needToKnow('CARE', ofMedia),
      type: 'DateTime',
      nullable: true,
      description: 'When recorded.',
      resolve: (p) => p.media.recordedAt,
    }),
  }),
});

builder.objectFields(ServiceUserRef, (t) => ({
  media: t.field({
    ...needToKnow('CARE', (client: ServiceUserRecord) => ({ client })),
    type: [MediaItemRef],
    nullable: true,
    description:
      'Photos and recordings of the person, newest first, each flagged when the consent it relied on has been withdrawn.',
    deprecationReason: 'A list that grows (issue 19): use `mediaConnection`, which pages with cursors.',
    resolve: async (client, _args, context) => {
      const scope = context.access.scope;
      const [media, consents] = await Promise.all([
        context.services.media.list(scope, client.clientId),
        context.services.consents.list(scope, client.clientId),
      ]);
      const inForce = new Set(
        consents.filter((consent) => consent.withdrawnAt === undefined).map((consent) => consent.consentId),
      );
      return media.map((item) => ({ client, media: item, consentWithdrawn: !inForce.has(item.consentId) }));
    },
  }),
  mediaConnection: t.connection({
    ...needToKnow('CARE', (client: ServiceUserRecord) => ({ client })),
    type: MediaItemRef,
    nullable: true,
    description:
      'Photos and recordings of the person as a cursor connection paged in the store, in a stable order by item id (not by date; each carries `recordedAt`), each flagged when the consent it relied on has been withdrawn.',
    resolve: (client, args, context) =>
      storeConnection(
        args,
        listPositions(context, 'mediaConnection'),
        (page) => context.services.media.page(context.access.scope, client.clientId, page),
        async (media) => {
          // Consents are looked up by id for this page only: one batch, not the person's whole consent list.
          const consents = await context.services.consents.byIds(context.access.scope, client.clientId, [
            ...new Set(media.map((item) => item.consentId)),
          ]);
          const inForce = new Set(
            consents
              .filter((consent) => consent.withdrawnAt === undefined)
              .map((consent) => consent.consentId),
          );
          return media.map((item) => ({
            client,
            media: item,
            consentWithdrawn: !inForce.has(item.consentId),
          }));
        },
      ),
  }),
}));

const RecordMediaInput = builder.inputType('RecordMediaInput', {
  description: 'A photo or recording of a service user, recorded under their prior written consent.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The person pictured or recorded.' }),
    kind: t.field({ type: MediaKindEnum, required: true, description: 'PHOTO or RECORDING.' }),
    purpose: t.field({ type: MediaPurposeEnum, required: true, description: 'PUBLICITY or CARE_RECORD.' }),
    caption: t.string({ required: true, description: 'What the item shows (1–1000 characters).' }),
    objectReference: t.string({
      required: true,
      description: 'Where the object is stored, e.g. an object-store key (1–1024 characters, no spaces).',
    }),
  }),
});

function mediaInput(input: { caption: string; objectReference: string }) {
  const caption = validate.text(['input', 'caption'], input.caption, { max: 1000, multiline: true });
  const objectReference = validate.text(['input', 'objectReference'], input.objectReference, {
    max: 1024,
  });
  if (/\s/.test(objectReference)) {
    throw validate.badInputError(['input', 'objectReference'], 'An object reference has no spaces.');
  }
  return { caption, objectReference };
}

/**
 * The person's latest consent that covers a recording of `kind` (Azure 8.1), read once per request; CONSENT_REQUIRED
 * without one.
 */
function mediaConsent(
  context: ConfideContext,
  client: ServiceUserRecord,
  kind: MediaKind,
): Promise<ConsentRecord> {
  return oncePerRequest(context, `media-consent:${client.clientId}:${kind}`, async () => {
    const consent = (await context.services.consents.list(context.access.scope, client.clientId))
      .filter((candidate) => consentCoversMedia(candidate, kind))
      .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))[0];
    if (!consent) {
      throw new ConfideError(
        ErrorCode.CONSENT_REQUIRED,
        'Images and recordings need the person’s prior written consent, recorded with a manager involved (Azure 8.1).',
        { details: { requiredScope: MEDIA_CONSENT_SCOPE[kind] } },
      );
    }
    return consent;
  });
}

builder.mutationFields((t) => ({
  recordMedia: t.field({
    type: MediaItemRef,
    description:
      'Records a photo or recording (staff who may write the person’s CARE record). Refused with CONSENT_REQUIRED unless the person has given written consent (SIGNED_FORM or EMAIL) of scope PUBLICITY_IMAGES (photos) or PUBLICITY_RECORDINGS (recordings), recorded with a manager involved and not withdrawn (Azure 8.1). Audited.',
    args: { input: t.arg({ type: RecordMediaInput, required: true }) },
    operation: {
      policy: 'media.record',
      subject: clientById((args) => args.input.serviceUserId),
      change: ({ input }) => {
        mediaInput(input);
        return { classification: 'CARE' };
      },
      // Checked before the audit event (decision 0075), once the policy has settled that the caller may write at all
      // (so that nobody without write access learns anything about the person's consents): refused, it is recorded
      // as a DENIED event of CARE with outcome CONSENT_REQUIRED, never as a recording made.
      validate: async ({ input }, context, subject) => {
        if (subject.kind === 'CLIENT') await mediaConsent(context, subject.client, input.kind);
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const { client, scope } = operation;
      const { caption, objectReference } = mediaInput(input);
      const consent = await mediaConsent(context, client, input.kind);
      const media = await context.services.media.record(
        scope,
        client.clientId,
        await context.access.clientKey(client),
        {
          kind: input.kind,
          purpose: input.purpose,
          consentId: consent.consentId,
          recordedBy: operation.staff.staffId,
          sealed: { caption, objectReference },
        },
      );
      return { client, media, consentWithdrawn: false };
    },
  }),
}));
