/**
 * The runtime's own fetch classes (Node's, from undici), which yoga builds its requests and responses with instead of
 * `@whatwg-node/node-fetch`'s re-implementation of them (decision 0110). The Lambda bundles leave that package out
 * altogether (infra/lib/runtime-fetch.ts); giving yoga the same classes here keeps the tests, the local server and the
 * benchmark on the request path the functions run. `URLPattern` is not among them (Node 22 has none): yoga keeps its
 * own. yoga.ts passes this module's namespace as yoga's `fetchAPI`, so the names are listed once.
 */
export const {
  fetch,
  Headers,
  Request,
  Response,
  FormData,
  ReadableStream,
  WritableStream,
  TransformStream,
  CompressionStream,
  DecompressionStream,
  TextDecoderStream,
  TextEncoderStream,
  Blob,
  File,
  crypto,
  btoa,
  TextEncoder,
  TextDecoder,
  URL,
  URLSearchParams,
} = globalThis;
