import { keptFromSubject } from '@confide/access';
import type { Classification } from '@confide/domain';
import type { ServiceUserRecord, StoredAuditEvent } from '@confide/store';

/**
 * A person's own view of who accessed their record and why (issue 8, "the person's own view"), in plain words:
 * by role and stated purpose, never by staff id. Pure: the caller supplies names when the organisation shows them.
 */

export interface OwnAccessEntry {
  readonly eventId: string;
  readonly at: string;
  /** Who, by role: "Your support worker", "The manager of your service", … */
  readonly who: string;
  /** What they did: "looked at", "added to or changed", … */
  readonly did: string;
  /** What, in plain words: "your contact details and your health information". */
  readonly what: string;
  /** Why: the reason they gave, or what their access rests on. */
  readonly why: string;
  readonly emergency: boolean;
  readonly actorKind: string;
  /** The staff member, for the organisation's name lookup (never shown itself). */
  readonly actorId: string;
}

const CLASSIFICATION_WORDS: Record<Classification, string> = {
  PSEUDONYMOUS: 'your reference number',
  IDENTIFYING: 'your name and personal details',
  CONTACT: 'your contact details',
  CARE: 'your support notes and plan',
  HEALTH: 'your health information',
  FINANCE: 'your money and finance records',
  SAFEGUARDING: 'safeguarding information about you',
  CONSENT: 'your consent records',
  STAFF_PERSONAL: 'personnel information',
};

const ACTION_WORDS: Record<string, string> = {
  READ: 'looked at',
  WRITE: 'added to or changed',
  EMERGENCY_ACCESS: 'looked at, in an emergency,',
  DISCLOSURE: 'shared',
};

/** The actions a person sees: accesses to their record. Refusals and administration are not accesses. */
const SHOWN_ACTIONS = new Set(Object.keys(ACTION_WORDS));

export function who(event: StoredAuditEvent): string {
  if (event.actor.kind === 'PARTNER') return 'An outside organisation you agreed we could share with';
  const roles = event.actor.roles;
  switch (event.relationship) {
    case 'ALLOCATED':
      return roles.includes('SUPPORT_WORKER') || !roles.includes('VOLUNTEER')
        ? 'A support worker who supports you'
        : 'A volunteer who supports you';
    case 'MANAGES_SERVICE':
      return 'The manager of your service';
    case 'QA_REVIEW':
      return 'A team leader checking the quality of your service';
    case 'INVESTIGATION':
      return 'A safeguarding lead';
    case 'ORG_WIDE':
      // ORG_WIDE is a senior manager's, or anyone's under the GROUP_WIDE preset.
      return roles.includes('SENIOR_MANAGER') ? 'A senior manager' : 'A member of staff';
    case 'EMERGENCY':
      return 'A member of staff, in an emergency';
    default:
      if (roles.includes('ADMINISTRATOR')) return 'An administrator of your service';
      if (roles.includes('CALDICOTT_GUARDIAN')) return 'The organisation’s Caldicott Guardian';
      if (roles.includes('IG_LEAD')) return 'The organisation’s information governance lead';
      return 'A member of staff';
  }
}

function why(event: StoredAuditEvent): string {
  if (event.purpose) return `Reason given: “${event.purpose}”`;
  switch (event.relationship) {
    case 'ALLOCATED':
      return 'To support you';
    case 'MANAGES_SERVICE':
      return 'To manage the support you receive';
    case 'QA_REVIEW':
      return 'To check the quality of the service';
    case 'INVESTIGATION':
      return 'As part of a safeguarding enquiry';
    case 'ORG_WIDE':
      return event.actor.kind === 'STAFF' && event.actor.roles.includes('SENIOR_MANAGER')
        ? 'As part of managing the organisation’s services'
        : 'Your organisation lets all its staff see the records it keeps';
    case 'EMERGENCY':
      return 'Emergency access, which is always reviewed afterwards';
    default:
      return event.actor.kind === 'PARTNER' ? 'Information released to them' : 'No reason was recorded';
  }
}

function what(classifications: readonly Classification[]): string {
  const words = [...new Set(classifications.map((c) => CLASSIFICATION_WORDS[c]))];
  if (words.length === 0) return 'your record';
  if (words.length === 1) return words[0] as string;
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * The events a person is shown about their own record, in their access log and their subject access export alike:
 * accesses by others (not their own, not refusals or administration), leaving out anything under a safeguarding
 * investigation of them that is still open, and every event of a request that recorded an exceptional disclosure they
 * were not told of (`events` holds a request's events together: they are read per person, newest first).
 */
export function shownToPerson(
  client: Pick<ServiceUserRecord, 'clientId' | 'investigations'>,
  events: readonly StoredAuditEvent[],
): StoredAuditEvent[] {
  const investigationOpen = client.investigations.some((investigation) => investigation.status === 'OPEN');
  // Every event of a request that did work kept from the person: its reads and its stated purpose too.
  const keptRequests = new Set(
    events.filter((event) => keptFromSubject(event.rule)).map((event) => event.requestId),
  );
  return events.filter(
    (event) =>
      event.subjectId === client.clientId &&
      SHOWN_ACTIONS.has(event.action) &&
      event.outcome === 'ALLOWED' &&
      event.actor.kind !== 'SERVICE_USER' &&
      !(investigationOpen && event.relationship === 'INVESTIGATION') &&
      !keptRequests.has(event.requestId),
  );
}

/** The entries a person sees about their own record ({@link shownToPerson}), in plain words. */
export function ownAccessEntries(
  client: Pick<ServiceUserRecord, 'clientId' | 'investigations'>,
  events: readonly StoredAuditEvent[],
): OwnAccessEntry[] {
  return shownToPerson(client, events).map((event) => ({
    eventId: event.eventId,
    at: event.at,
    who: who(event),
    did: ACTION_WORDS[event.action] ?? 'used',
    what: what(event.classifications),
    why: why(event),
    emergency: event.emergency,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
  }));
}

/** One sentence: "Your support worker looked at your contact details. Reason given: …". */
export function sentence(entry: OwnAccessEntry, staffName: string | undefined): string {
  const subject = staffName ? `${entry.who} (${staffName})` : entry.who;
  const reason = entry.why.endsWith('”') ? entry.why : `${entry.why}.`;
  return `${subject} ${entry.did} ${entry.what}. ${reason}`;
}
