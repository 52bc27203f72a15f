import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../lib/native-checksum';

/** The bundles' stand-in for the SDK's SHA-256 (decision 0043) answers as the SDK's own does. */
describe('native-checksum Sha256', () => {
  const inputs = ['', 'abc', 'a longer body to sign, with ünïcode', new Uint8Array([0, 1, 2, 255])];

  it('hashes, and keys an HMAC, exactly as the SDK class does', async () => {
    for (const secret of [undefined, 'secret', new Uint8Array([9, 8, 7])]) {
      for (const input of inputs) {
        const ours = new Sha256(secret);
        const theirs = new SdkSha256(secret);
        ours.update(input);
        theirs.update(typeof input === 'string' ? new TextEncoder().encode(input) : input);
        expect(await ours.digest()).toEqual(await theirs.digest());
      }
    }
  });

  it('digests a hash more than once, resets, and refuses an update after an HMAC is finished', async () => {
    const hash = new Sha256();
    hash.update('part one');
    const first = await hash.digest();
    expect(await hash.digest()).toEqual(first);
    hash.reset();
    hash.update('part one');
    expect(await hash.digest()).toEqual(first);
    const hmac = new Sha256('key');
    hmac.update('x');
    await hmac.digest();
    expect(() => hmac.update('y')).toThrow(/already finished/);
  });
});
