import type { SignatureV4 } from '@smithy/signature-v4';

/**
 * The headers of a POST to an AWS endpoint signed with SigV4, for a call made with `fetch` instead of that service's
 * SDK client (the signer is the one the SDK clients already bundle; decision 0018). `host` is signed, and fetch sets it
 * (and `content-length`) itself, so it is not among the headers returned.
 */
export async function signedPostHeaders(
  signer: SignatureV4,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, string>> {
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { host: url.host, ...headers },
    body,
  });
  const { host: _host, ...sent } = signed.headers;
  return sent;
}
