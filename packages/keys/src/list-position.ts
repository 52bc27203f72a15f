import { hkdfSync } from 'node:crypto';
import { encodeAad, open, seal } from './aead';

/**
 * A position in a list that the caller may not be told: the last item a page examined when none the caller may see
 * came after it (a client of a service hidden from them, say). Sealed with AES-256-GCM under a key derived from the
 * organisation's beacon key, and bound to the list, so the cursor that carries it names nobody and continues only
 * that list.
 */
export function sealListPosition(beaconKey: Uint8Array, list: string, position: string): string {
  return seal(
    positionKey(beaconKey),
    Buffer.from(position, 'utf8'),
    encodeAad(['list-position', list]),
  ).toString('base64url');
}

/** The position {@link sealListPosition} sealed for this list, or undefined when it was not sealed so. */
export function openListPosition(beaconKey: Uint8Array, list: string, sealed: string): string | undefined {
  try {
    return open(
      positionKey(beaconKey),
      Buffer.from(sealed, 'base64url'),
      encodeAad(['list-position', list]),
    ).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Derived once per beacon key object (a page seals a cursor per edge), and dropped with it. */
const positionKeys = new WeakMap<Uint8Array, Buffer>();

function positionKey(beaconKey: Uint8Array): Buffer {
  let key = positionKeys.get(beaconKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', beaconKey, Buffer.alloc(0), 'confide list position', 32));
    positionKeys.set(beaconKey, key);
  }
  return key;
}
