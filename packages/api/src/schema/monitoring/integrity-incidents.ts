import { isIdOf } from '@confide/domain';
import type { IntegrityIncident } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';

/**
 * What the stored records failed (decision 0030): a removal the retention rules do not explain, a forged erasure
 * record, an item whose access metadata does not match its ciphertext, a consent's withdrawal or a note's amendment undone (decision 0118).
 * Ids and kinds only, never content.
 */
const IntegrityIncidentRef = builder.objectRef<IntegrityIncident>('IntegrityIncident');
IntegrityIncidentRef.implement({
  description:
    'A stored record found not to match what the API wrote (decision 0030): references and kinds only, never content.',
  fields: (t) => ({
    kind: t.string({
      description:
        'UNEXPLAINED_REMOVAL (a removal the retention rules do not explain: a moved expiry, or an item of a record deleted straight from the table; the item was put back, the key kept), FORGED_ERASURE (an erasure record the API did not write), TAMPERED_STATE (an item whose access metadata does not match its ciphertext; it was not served) or ROLLED_BACK (a consent’s or a reference permission’s withdrawal, a note’s amendment, an allocation’s end, a change of a person’s conflicts or investigation links, a change of a staff member’s roles, status, service links or emergency access, or of the organisation’s access preset, retention rules or accepted consent methods, a person’s retention state (taken off the schedule by a legal hold, an emergency review, a reopening or a re-employment), the recovery of their key from quarantine, or a change of a staff member’s personnel record undone by putting back an earlier copy (or, for a personnel record, by taking its MAC off); the later one was put back).',
      resolve: (incident) => incident.kind,
    }),
    itemKind: t.string({
      description: 'The kind of item (PROFILE, NOTE, KEY_QUARANTINE, …).',
      resolve: (incident) => incident.itemKind,
    }),
    serviceUserId: t.globalID({
      nullable: true,
      description: 'The person the item belonged to, when a client.',
      resolve: (incident) =>
        incident.subjectId?.startsWith('su_') ? { type: 'ServiceUser', id: incident.subjectId } : null,
    }),
    staffId: t.globalID({
      nullable: true,
      description: 'The staff member the item belonged to, when staff.',
      resolve: (incident) =>
        incident.subjectId?.startsWith('stf_') ? { type: 'StaffMember', id: incident.subjectId } : null,
    }),
    detections: t.int({
      description:
        'How many requests found it: an item read again while tampered with, or tampered with again after it was put right, counts again (a removal or a forgery is counted once).',
      resolve: (incident) => incident.detections ?? 1,
    }),
    lastDetectedAt: t.field({
      type: 'DateTime',
      description: 'When it was last found.',
      resolve: (incident) => new Date(incident.lastDetectedAt ?? incident.detectedAt),
    }),
    detectedAt: t.field({
      type: 'DateTime',
      description: 'When it was first found.',
      resolve: (incident) => new Date(incident.detectedAt),
    }),
    restored: t.boolean({
      description: 'Whether the item was put back from the table stream as the API last wrote it.',
      resolve: (incident) => incident.restored,
    }),
  }),
});

builder.queryFields((t) => ({
  integrityIncidents: t.connection({
    type: IntegrityIncidentRef,
    description:
      'Integrity incidents of the organisation, newest first (IG_LEAD, CALDICOTT_GUARDIAN): each is also an alarm for the platform operators.',
    operation: { policy: 'monitoring.integrity-incidents', audit: 'after' },
    resolve: async (operation, args, context) => {
      const incidents = await context.services.integrityIncidents.list(operation.scope);
      // An incident about a person the caller is declared connected to is not listed (decision 0007).
      const aboutPeople = incidents.filter((incident) => isIdOf('serviceUser', incident.subjectId ?? ''));
      const shown = new Set(
        await context.access.withoutConflicts(aboutPeople, (incident) => incident.subjectId ?? ''),
      );
      const visible = incidents.filter((incident) => !aboutPeople.includes(incident) || shown.has(incident));
      return resolveArrayConnection({ args }, visible.reverse());
    },
  }),
}));
