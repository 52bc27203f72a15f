/**
 * Stands in for `@smithy/core/checksum` in every Lambda bundle (lambda-bundling.ts; decision 0043). The SDK clients'
 * runtime configuration takes `Sha256` from it, whose Node class falls back, when `node:crypto` has no SHA-256
 * (never on Lambda's Node), to a pure-JavaScript one of about 3 KB that every bundle then carries. Here `Sha256` is
 * the native class alone, as the SDK's own is on Node; the rest is the module's own (the S3 client's `Md5` and stream
 * hashers and checksums, for the verifier's checkpoints).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

// The module's own exports, from its file (the package's export map names only the module, which this stands in for);
// the `Sha256` below takes precedence over its own. A bundle keeps only what it uses (the package has no side effects).
// @ts-expect-error: the SDK's compiled module has its types elsewhere (dist-types); only the bundle resolves this.
export * from '../../node_modules/@smithy/core/dist-es/submodules/checksum/index.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256, or HMAC-SHA256 with a secret, as the SDK's `Checksum` interface asks (the SDK's Node class, natively). */
export class Sha256 {
  readonly digestLength = 32;
  #hash: Hash | Hmac;
  #finished = false;

  constructor(private readonly secret?: SourceData) {
    this.#hash = this.#create();
  }

  update(data: SourceData): void {
    if (this.#finished) throw new Error('Attempted to update an already finished hash.');
    this.#hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    let digest: Buffer;
    if (this.secret) {
      this.#finished = true;
      digest = this.#hash.digest();
    } else {
      digest = (this.#hash as Hash).copy().digest();
    }
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }

  reset(): void {
    this.#hash = this.#create();
    this.#finished = false;
  }

  #create(): Hash | Hmac {
    return this.secret ? createHmac('sha256', toBuffer(this.secret)) : createHash('sha256');
  }
}

function toBuffer(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
