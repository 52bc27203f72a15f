/**
 * The runtime's own fetch classes (Node's, from undici), which yoga builds its requests and responses with instead of
 * `@whatwg-node/node-fetch`'s re-implementation of them (decision 0110). The Lambda bundles leave that package out
 * altogether (infra/lib/runtime-fetch.ts); giving yoga the same classes here keeps the tests, the local server and the
 * benchmark on the request path the functions run. `URLPattern` is not among them (Node 22 has none): yoga keeps its
 * own.
 */
export const runtimeFetchAPI = {
  fetch: globalThis.fetch,
  Headers: globalThis.Headers,
  Request: globalThis.Request,
  Response: globalThis.Response,
  FormData: globalThis.FormData,
  ReadableStream: globalThis.ReadableStream,
  WritableStream: globalThis.WritableStream,
  TransformStream: globalThis.TransformStream,
  CompressionStream: globalThis.CompressionStream,
  DecompressionStream: globalThis.DecompressionStream,
  TextDecoderStream: globalThis.TextDecoderStream,
  TextEncoderStream: globalThis.TextEncoderStream,
  Blob: globalThis.Blob,
  File: globalThis.File,
  crypto: globalThis.crypto,
  btoa: globalThis.btoa,
  TextEncoder: globalThis.TextEncoder,
  TextDecoder: globalThis.TextDecoder,
  URL: globalThis.URL,
  URLSearchParams: globalThis.URLSearchParams,
};
