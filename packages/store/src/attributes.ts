import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Tiny typed helpers for DynamoDB attribute values; items here are small and explicit. */
export const attr = {
  s: (value: string): AttributeValue => ({ S: value }),
  n: (value: number): AttributeValue => ({ N: String(value) }),
  b: (value: Uint8Array): AttributeValue => ({ B: value }),
  bool: (value: boolean): AttributeValue => ({ BOOL: value }),
  ss: (values: readonly string[]): AttributeValue =>
    values.length > 0 ? { SS: [...values] } : { NULL: true },
} as const;

export type Item = Record<string, AttributeValue>;

export const read = {
  s: (item: Item, name: string): string | undefined => item[name]?.S,
  n: (item: Item, name: string): number | undefined => {
    const value = item[name]?.N;
    return value === undefined ? undefined : Number(value);
  },
  b: (item: Item, name: string): Uint8Array | undefined => item[name]?.B,
  bool: (item: Item, name: string): boolean | undefined => item[name]?.BOOL,
  ss: (item: Item, name: string): string[] => item[name]?.SS ?? [],
} as const;

/** An item's key as DynamoDB takes it. */
export function tableKey(key: { readonly pk: string; readonly sk: string }): Item {
  return { pk: attr.s(key.pk), sk: attr.s(key.sk) };
}

/** The attribute as a string, or an error naming it: a malformed item is a fault, never a silent default. */
export function requireS(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`Stored item lacks attribute ${name}.`);
  return value;
}

export function requireN(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`Stored item lacks attribute ${name}.`);
  return Number(value);
}

/**
 * Facts an item keeps under one MAC together with a count of their changes ({@link changeCount}), which the MAC covers
 * and every change moves up (decisions 0120, 0121, 0123, 0124): a count gone down in the table's stream is an earlier
 * copy put back. Each store that writes such facts names them; the retention handler puts them back.
 */
export interface CountedFacts {
  /** The facts' attributes. */
  readonly attributes: readonly string[];
  /** The attribute holding their MAC. */
  readonly mac: string;
  /** The attribute holding their count of changes. */
  readonly count: string;
}

/**
 * A count of changes kept in a number attribute, as an item or a stream image holds it: 0 when absent (nothing changed
 * yet) or not a positive whole number.
 */
export function changeCount(
  item: { readonly [name: string]: { readonly N?: string | undefined } | undefined },
  name: string,
): number {
  const count = Number(item[name]?.N ?? 0);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

/**
 * The part of an update that signs counted facts anew (decisions 0125, 0126): their MAC over what they will be, made by
 * `macOf` for the count one higher than the item's, on condition that the item still carries the MAC it was read with
 * (or none, when it had none), so that nothing changed them between the read and the write. Names and placeholders are
 * the facts' own attribute names, so that it joins the rest of an update without clashing. `written`: the MAC and
 * count as the item will hold them.
 */
export function countedFactsWrite(
  facts: CountedFacts,
  item: Item,
  macOf: (count: number) => string,
): { set: string[]; condition: string; names: Record<string, string>; values: Item; written: Item } {
  const count = changeCount(item, facts.count) + 1;
  const read = item[facts.mac]?.S;
  const [mac, counted] = [`#${facts.mac}`, `#${facts.count}`];
  const [macValue, countValue] = [attr.s(macOf(count)), attr.n(count)];
  return {
    set: [`${mac} = :${facts.mac}`, `${counted} = :${facts.count}`],
    condition: read === undefined ? `attribute_not_exists(${mac})` : `${mac} = :${facts.mac}Read`,
    names: { [mac]: facts.mac, [counted]: facts.count },
    values: {
      [`:${facts.mac}`]: macValue,
      [`:${facts.count}`]: countValue,
      ...(read === undefined ? {} : { [`:${facts.mac}Read`]: attr.s(read) }),
    },
    written: { [facts.mac]: macValue, [facts.count]: countValue },
  };
}
