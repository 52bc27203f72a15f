import type { Classification } from './access-vocabulary';

/**
 * What staff record, and the classification each kind of note carries (ACCESS-MODEL.md, Classifications).
 * HANDOVER and MEETING notes also carry a distribution list (Azure 4.2); CORRESPONDENCE may be authored by
 * another organisation, whose authority its disclosure needs (Azure 4.1).
 */
export const NOTE_KINDS = {
  DAILY_SUPPORT: 'CARE',
  SUPPORT_PLAN: 'CARE',
  ASSESSMENT: 'CARE',
  HANDOVER: 'CARE',
  MEETING: 'CARE',
  CORRESPONDENCE: 'CARE',
  MEDICAL: 'HEALTH',
  FINANCE: 'FINANCE',
  SAFEGUARDING_CONCERN: 'SAFEGUARDING',
} as const satisfies Record<string, Classification>;

export type NoteKind = keyof typeof NOTE_KINDS;
export const NOTE_KIND_NAMES = Object.keys(NOTE_KINDS) as NoteKind[];

/** Kinds readable only by the people on their distribution list (attendees and those the meeting agreed). */
export const DISTRIBUTED_NOTE_KINDS: readonly NoteKind[] = ['HANDOVER', 'MEETING'];

export function classificationOf(kind: NoteKind): Classification {
  return NOTE_KINDS[kind];
}
