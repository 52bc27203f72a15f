import type { KMSClient } from '@aws-sdk/client-kms';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedPostHeaders } from './signed-post';

/** How long the parameter's client ids are kept before they are read again. */
const KEPT_MS = 10 * 60 * 1000;

/**
 * The app clients an SSM parameter names, comma-separated (decision 0107): the governance console's client is made in
 * the console stack, which depends on the api stack, so the api reads its id at run time instead of from its
 * environment. SSM's `GetParameter` signed with SigV4, as the provisioner's invocation is (decision 0018): the SDK's
 * SSM client would add its weight to the api bundle for one call. Kept for ten minutes once read; a failed read is
 * not kept, and the token that needed it is refused (fail closed).
 */
export class AppClientParameter {
  readonly #url: URL;
  readonly #signer: SignatureV4;
  #ids: { readonly values: readonly string[]; readonly until: number } | undefined;
  #reading: Promise<readonly string[]> | undefined;

  constructor(
    private readonly name: string,
    options: {
      readonly endpoint: string;
      readonly region: string;
      readonly credentials: KMSClient['config']['credentials'];
      readonly sha256: KMSClient['config']['sha256'];
    },
  ) {
    this.#url = new URL('/', options.endpoint);
    this.#signer = new SignatureV4({
      service: 'ssm',
      region: options.region,
      credentials: options.credentials,
      sha256: options.sha256,
    });
  }

  /** Whether the parameter names `clientId`. */
  async names(clientId: string): Promise<boolean> {
    return (await this.#clientIds()).includes(clientId);
  }

  async #clientIds(): Promise<readonly string[]> {
    if (this.#ids && this.#ids.until > Date.now()) return this.#ids.values;
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(): Promise<readonly string[]> {
    const url = this.#url;
    const body = JSON.stringify({ Name: this.name });
    const headers = await signedPostHeaders(
      this.#signer,
      url,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      body,
    );
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `Reading the app client parameter failed: HTTP ${response.status} (${response.headers.get('x-amzn-errortype') ?? 'unknown error'}).`,
      );
    }
    const value = (JSON.parse(text) as { Parameter?: { Value?: unknown } }).Parameter?.Value;
    if (typeof value !== 'string') throw new Error('The app client parameter has no value.');
    const values = value
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    this.#ids = { values, until: Date.now() + KEPT_MS };
    return values;
  }
}
