import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openListPosition, sealListPosition } from './list-position';

describe('list positions', () => {
  const key = randomBytes(32);
  const position = 'svu_0123456789abcdefghijklmnop';

  it('opens what it sealed, for the same list under the same key, and names nothing readable', () => {
    const sealed = sealListPosition(key, 'service:svc_a', position);

    expect(openListPosition(key, 'service:svc_a', sealed)).toBe(position);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(position);
    expect(sealListPosition(key, 'service:svc_a', position)).not.toBe(sealed);
  });

  it('opens nothing for another list, another key, or a changed or foreign text', () => {
    const sealed = sealListPosition(key, 'service:svc_a', position);
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;

    expect(openListPosition(key, 'service:svc_b', sealed)).toBeUndefined();
    expect(openListPosition(randomBytes(32), 'service:svc_a', sealed)).toBeUndefined();
    expect(openListPosition(key, 'service:svc_a', bytes.toString('base64url'))).toBeUndefined();
    expect(openListPosition(key, 'service:svc_a', 'not a position')).toBeUndefined();
  });
});
