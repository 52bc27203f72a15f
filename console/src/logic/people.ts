/**
 * The People screen's words and checks: a person's id read from what someone pasted or typed (the IG lead and the
 * Caldicott Guardian see people by reference only and may not search by name, so they open a person from a list by
 * case reference, or by the id the API gives), the fields of a listed person the API refused, a listed person in
 * words, and the list by case reference with its filter. Pure.
 */

/** Why a text is not a person's id, in words that say what to enter instead. */
export const PERSON_ID_PROBLEMS = {
  missing: 'Enter the person’s id.',
  caseReference:
    'This is a case reference, not a person’s id: a person cannot be opened by their case reference here. Enter their id.',
  notAnId:
    'This is not a person’s id. A person’s id is one long word of letters and digits, which may end in “=”: it is the part of the address of their screen after “#/person/”, or their id as the API gives it. You can paste either.',
} as const;

export type PersonIdProblem = keyof typeof PERSON_ID_PROBLEMS;

/** A person's id read from a text, or why it is not one. */
export type PersonIdReading = { readonly id: string } | { readonly problem: string };

/** Where a person's screen's address holds their id. */
const PERSON_ROUTE = '#/person/';

/**
 * The API's ids are opaque (docs/decisions/0037): the console checks only the shape the API gives them in, base64
 * text, and never decodes one. The shortest id the API gives (of any type) is longer than 40 characters; the bound
 * tells a name or a word from an id.
 */
const ID_SHAPE = /^[A-Za-z0-9+/]+={0,2}$/;
const ID_LENGTH = { min: 40, max: 400 } as const;

/** A pseudonymous case reference, such as `SU-7KQ2M9XA`: says nothing about the person, and opens no one. */
const CASE_REFERENCE = /^SU-[A-Za-z0-9]+$/i;

/**
 * The person's id in what someone pasted or typed: an id as the API gives it, or the address of their screen (which
 * holds it, encoded), without what a copy brings with it (spaces, line breaks, quotes around it). Undefined shapes
 * are refused with words to say why, rather than sent: a case reference, a name, another kind of address.
 */
export function personIdOf(text: string): PersonIdReading {
  let id = text.trim().replace(/^["'“‘`]+|["'”’`]+$/gu, '');
  const route = id.indexOf(PERSON_ROUTE);
  if (route >= 0) id = id.slice(route + PERSON_ROUTE.length).split(/[/?#]/)[0] ?? '';
  else if (/^[a-z][a-z0-9+.-]*:\/\/|^#/i.test(id)) return { problem: PERSON_ID_PROBLEMS.notAnId };
  if (id.includes('%')) {
    try {
      id = decodeURIComponent(id);
    } catch {
      return { problem: PERSON_ID_PROBLEMS.notAnId };
    }
  }
  id = id.replace(/\s+/g, '');
  if (id === '') return { problem: PERSON_ID_PROBLEMS.missing };
  if (CASE_REFERENCE.test(id)) return { problem: PERSON_ID_PROBLEMS.caseReference };
  const shaped =
    ID_SHAPE.test(id) && id.length % 4 === 0 && id.length >= ID_LENGTH.min && id.length <= ID_LENGTH.max;
  return shaped ? { id } : { problem: PERSON_ID_PROBLEMS.notAnId };
}

/** An error entry as far as placing it goes: its code, and the path of the field it is about. */
interface PlacedError {
  readonly code: string;
  readonly path?: readonly (string | number)[];
}

/**
 * Of a list's errors, those that refuse one field of one listed item (“lists filter, fields refuse”: ACCESS-MODEL.md),
 * by the item's edge and field, and the rest, which are failures of the list itself. A refused field is shown as
 * such; it neither hides its item nor stops the list being read.
 */
export function fieldRefusalsOf<TError extends PlacedError>(
  errors: readonly TError[],
  listField: string,
): { refused: Map<number, Set<string>>; failures: TError[] } {
  const refused = new Map<number, Set<string>>();
  const failures: TError[] = [];
  for (const error of errors) {
    const [list, edges, edge, node, field] = error.path ?? [];
    if (list === listField && edges === 'edges' && typeof edge === 'number' && node === 'node' && field) {
      const fields = refused.get(edge) ?? new Set<string>();
      fields.add(String(field));
      refused.set(edge, fields);
    } else {
      failures.push(error);
    }
  }
  return { refused, failures };
}

/** A person as the People screen lists them: what the caller may read of them, a refused field null. */
export interface ListedPerson {
  readonly id: string;
  readonly name?: string | null | undefined;
  readonly reference?: string | null | undefined;
  readonly caseStatus?: string | null | undefined;
}

const NOT_SHOWN = 'Not shown to you';

/**
 * A listed person in words: their name, or where it is not shown, their case reference (or the id's own tail) and
 * that the name was not shown; their case reference; their case status.
 */
export function listedPersonWords(
  person: ListedPerson,
  refused: ReadonlySet<string>,
): { name: string; reference: string; caseStatus: string } {
  const name = person.name?.trim();
  const reference = person.reference?.trim();
  const known = reference ? `Case ${reference}` : `Person …${person.id.replaceAll('=', '').slice(-8)}`;
  const status = person.caseStatus
    ? person.caseStatus.charAt(0) + person.caseStatus.slice(1).toLowerCase()
    : '';
  return {
    name: name || (refused.has('name') ? `${known} (name not shown to you)` : known),
    reference: reference || (refused.has('reference') ? NOT_SHOWN : 'None'),
    caseStatus: status || (refused.has('caseStatus') ? NOT_SHOWN : 'Not known'),
  };
}

/**
 * What a filter by case reference looks for, from what was typed: without the spaces and quotes a copy brings with it,
 * in capitals (references are, and a person may type them in either case).
 */
export function referenceFilterOf(text: string): string {
  return text
    .replace(/["'“”‘’`]/gu, '')
    .replace(/\s+/g, '')
    .toUpperCase();
}

/**
 * Whether a case reference holds what was typed (anywhere in it: a person may remember its tail only). Nothing typed
 * keeps everyone; a person whose reference was not read is kept only then. The text is compared, never read as a
 * pattern.
 */
export function matchesReference(reference: string | null | undefined, text: string): boolean {
  const filter = referenceFilterOf(text);
  if (filter === '') return true;
  return reference ? referenceFilterOf(reference).includes(filter) : false;
}

/**
 * The people to list by case reference, from what was read of a service: each once, without those the caller already
 * finds listed by name (a service's manager who is also the IG lead or the Guardian), in order of reference, those
 * whose reference was not read last.
 */
export function peopleToListByReference<
  TPerson extends { readonly id: string; readonly reference?: string | null },
>(people: readonly TPerson[], listedByName: ReadonlySet<string>): TPerson[] {
  const seen = new Set(listedByName);
  const listed: TPerson[] = [];
  for (const person of people) {
    if (seen.has(person.id)) continue;
    seen.add(person.id);
    listed.push(person);
  }
  return listed.sort((a, b) =>
    a.reference && b.reference
      ? a.reference.localeCompare(b.reference)
      : a.reference
        ? -1
        : b.reference
          ? 1
          : a.id.localeCompare(b.id),
  );
}

const peopleCount = (count: number) => `${count} ${count === 1 ? 'person' : 'people'}`;

/** How many of the people listed by case reference a filter shows, and by what, in words. */
export function referenceFilterWords(shown: number, total: number, text: string): string {
  const filter = referenceFilterOf(text);
  if (total === 0) return 'No person is listed.';
  if (filter === '') return total === 1 ? 'The one person is listed.' : `All ${total} people are listed.`;
  if (shown === 0) return `No listed person’s case reference holds “${filter}”.`;
  return `${shown} of ${peopleCount(total)} listed: those whose case reference holds “${filter}”.`;
}
