import type { KMSClient } from '@aws-sdk/client-kms';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedPostHeaders } from '../signed-post';
import type { ProvisionerRequest } from './provisioning';

/** Options of {@link ProvisionerFunction}. */
export interface ProvisionerFunctionOptions {
  /** The function's name (`confide-<stage>-provisioner`). */
  readonly functionName: string;
  /** The Lambda API endpoint, e.g. `https://lambda.eu-west-2.amazonaws.com`. */
  readonly endpoint: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** Credentials to sign with (the SDK clients' own provider). */
  readonly credentials: KMSClient['config']['credentials'];
  /** The SHA-256 implementation the SDK clients use. */
  readonly sha256: KMSClient['config']['sha256'];
  /** How long to wait for the answer. */
  readonly timeoutMs: number;
}

/** The provisioner could not be invoked, or failed unexpectedly: a fault, masked as `INTERNAL` to the caller. */
export class ProvisionerFunctionError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ProvisionerFunctionError';
  }
}

/**
 * Invokes the provisioner function synchronously: Lambda's `Invoke` API (`POST
 * /2015-03-31/functions/<name>/invocations`) signed with SigV4. `@aws-sdk/client-lambda` would do the same, but it
 * adds ~73 KB to the api bundle, whose budget it does not fit; the signer is the one the SDK clients already bundle
 * (decision 0018).
 */
export class ProvisionerFunction {
  readonly #url: URL;
  readonly #signer: SignatureV4;
  readonly #timeoutMs: number;

  constructor(options: ProvisionerFunctionOptions) {
    this.#url = new URL(
      `/2015-03-31/functions/${encodeURIComponent(options.functionName)}/invocations`,
      options.endpoint,
    );
    this.#signer = new SignatureV4({
      service: 'lambda',
      region: options.region,
      credentials: options.credentials,
      sha256: options.sha256,
    });
    this.#timeoutMs = options.timeoutMs;
  }

  /** The function's answer (parsed JSON), or a {@link ProvisionerFunctionError} when it could not give one. */
  invoke(request: ProvisionerRequest): Promise<unknown> {
    return this.invokeWith(request);
  }

  /** Invokes the function with any JSON payload (the operator CLI's verifier and provisioner calls). */
  async invokeWith(payload: unknown): Promise<unknown> {
    const url = this.#url;
    const body = JSON.stringify(payload);
    const headers = await signedPostHeaders(
      this.#signer,
      url,
      { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new ProvisionerFunctionError('The provisioner could not be reached.', { cause });
    }
    const text = await response.text();
    if (response.status !== 200) {
      const type = response.headers.get('x-amzn-errortype') ?? 'unknown error';
      throw new ProvisionerFunctionError(
        `Invoking the provisioner failed: HTTP ${response.status} (${type}).`,
      );
    }
    if (response.headers.has('x-amz-function-error')) {
      // The function threw: its error type is enough here; its log has the rest.
      throw new ProvisionerFunctionError(`The provisioner failed: ${errorTypeOf(text)}.`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new ProvisionerFunctionError('The provisioner answered something other than JSON.', { cause });
    }
  }
}

function errorTypeOf(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : 'unknown error';
  } catch {
    return 'unknown error';
  }
}
