import { dateWords } from './time-words';

/**
 * A person's disclosure register, as the console shows it: the append-only entries (`disclosureRegisterConnection`)
 * gathered into one history per request, with where each request stands and which of the register's actions
 * (`setDisclosureRequestUrgency`, `releaseDisclosure`, `recordDisclosureToldToPerson`) the API would still accept for
 * it. The API decides every request: this only keeps the screen from offering an action the register's state already
 * refuses.
 */

/** The parts of a register entry this needs. */
export interface RegisterEntryFacts {
  readonly requestId?: string | null;
  readonly sequence?: number | null;
  readonly kind?: string | null;
  readonly urgent?: boolean | null;
  /** EXCEPTIONAL_DISCLOSURE: whether the person was told when it was recorded. */
  readonly clientInformed?: boolean | null;
  /** CLIENT_INFORMED: the date the person was told since, YYYY-MM-DD. */
  readonly toldOn?: string | null;
}

export type DisclosureRequestStage =
  | 'AWAITING_DECISION'
  | 'ESCALATED'
  | 'APPROVED'
  | 'REFUSED'
  | 'RELEASED'
  | 'EXCEPTIONAL_DISCLOSURE';

export interface DisclosureRequestHistory<Entry extends RegisterEntryFacts> {
  readonly requestId: string;
  /** Its entries in sequence. */
  readonly entries: readonly Entry[];
  /** The opening entry: RECEIVED, or EXCEPTIONAL_DISCLOSURE for a disclosure made without a request. */
  readonly opening: Entry | undefined;
  readonly stage: DisclosureRequestStage;
  /** Urgent now: as received, unless a later URGENCY_CHANGED entry says otherwise. */
  readonly urgent: boolean;
  /** The urgency can still change: a received request, not refused or released. */
  readonly urgencyChangeable: boolean;
  /** Approved and not yet released. */
  readonly releasable: boolean;
  /**
   * An exceptional disclosure's CLIENT_INFORMED entry: the person, not told when it was recorded, has been told since
   * (decision 0145).
   */
  readonly toldLater: Entry | undefined;
  /** An exceptional disclosure the person was not told of, and has not been told of since: telling them can be recorded. */
  readonly tellable: boolean;
}

const DECISIONS = ['RELEASED', 'REFUSED', 'APPROVED', 'ESCALATED'] as const;

/** One history per request, in the order the register gave the requests (the API's order is stable by id). */
export function disclosureRequests<Entry extends RegisterEntryFacts>(
  entries: readonly Entry[],
): DisclosureRequestHistory<Entry>[] {
  const byRequest = new Map<string, Entry[]>();
  for (const entry of entries) {
    if (!entry.requestId) continue;
    const list = byRequest.get(entry.requestId) ?? [];
    list.push(entry);
    byRequest.set(entry.requestId, list);
  }
  return [...byRequest].map(([requestId, unsorted]) => {
    const list = [...unsorted].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
    const kinds = new Set(list.map((entry) => entry.kind));
    const opening = list.find(
      (entry) => entry.kind === 'RECEIVED' || entry.kind === 'EXCEPTIONAL_DISCLOSURE',
    );
    const stage: DisclosureRequestStage =
      opening?.kind === 'EXCEPTIONAL_DISCLOSURE'
        ? 'EXCEPTIONAL_DISCLOSURE'
        : (DECISIONS.find((kind) => kinds.has(kind)) ?? 'AWAITING_DECISION');
    const urgent = list
      .filter((entry) => entry.kind === 'RECEIVED' || entry.kind === 'URGENCY_CHANGED')
      .reduce((_, entry) => entry.urgent === true, false);
    const received = opening?.kind === 'RECEIVED';
    const exceptional = opening?.kind === 'EXCEPTIONAL_DISCLOSURE';
    const toldLater = exceptional ? list.find((entry) => entry.kind === 'CLIENT_INFORMED') : undefined;
    return {
      requestId,
      entries: list,
      opening,
      stage,
      urgent,
      urgencyChangeable: received && stage !== 'REFUSED' && stage !== 'RELEASED',
      releasable: received && stage === 'APPROVED',
      toldLater,
      tellable: exceptional && opening?.clientInformed === false && !toldLater,
    };
  });
}

const STAGE_WORDS: Record<DisclosureRequestStage, string> = {
  AWAITING_DECISION: 'waiting for a decision',
  ESCALATED: 'escalated to the Caldicott Guardian',
  APPROVED: 'approved, not yet released',
  REFUSED: 'refused',
  RELEASED: 'released',
  EXCEPTIONAL_DISCLOSURE: 'disclosed without consent (exceptional disclosure)',
};

export const disclosureStageWords = (stage: DisclosureRequestStage) => STAGE_WORDS[stage];

/**
 * Whether the person was told of an exceptional disclosure: when it was recorded (`told`, as its opening entry says),
 * or since (its CLIENT_INFORMED entry, with the date); empty for a request, whose opening entry says nothing of it.
 */
export function personToldWords(told: boolean | null | undefined, toldLater?: RegisterEntryFacts): string {
  if (told === null || told === undefined) return '';
  if (told) return 'Yes';
  if (!toldLater) return 'No';
  return toldLater.toldOn
    ? `Not when it was recorded; told on ${dateWords(toldLater.toldOn)}`
    : 'Not when it was recorded; told since';
}

/** Redactions as typed, one phrase a line: blank lines and surrounding spaces dropped. */
export const redactionPhrases = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
