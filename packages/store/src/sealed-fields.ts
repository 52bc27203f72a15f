import { decryptField, encryptField, type SubjectKey } from '@confide/keys';
import { attr, type Item } from './attributes';

const PREFIX = 'enc_';

/** Encrypts each named value under the subject key, bound to this item and field, as `enc_<field>` attributes. */
export function sealFields(
  key: SubjectKey,
  itemKey: string,
  values: Readonly<Record<string, string | undefined>>,
  binding?: readonly (string | number)[],
): Item {
  const sealed: Item = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined) continue;
    sealed[PREFIX + field] = attr.b(encryptField(key, { itemKey, field, binding }, value));
  }
  return sealed;
}

/**
 * Opens one sealed field of an item; undefined when the item has no such field. Throws on tampering, and when
 * the item's access metadata (`binding`, see {@link encryptField}) is not what the field was sealed with.
 */
export function openField(
  key: SubjectKey,
  itemKey: string,
  item: Item,
  field: string,
  binding?: readonly (string | number)[],
): string | undefined {
  const sealed = item[PREFIX + field]?.B;
  return sealed === undefined ? undefined : decryptField(key, { itemKey, field, binding }, sealed);
}

/** The identity that AAD binds: partition and sort key together. */
export function itemKeyOf(pk: string, sk: string): string {
  return `${pk}|${sk}`;
}
