/**
 * Stands in for `@whatwg-node/fetch` in every Lambda bundle (lambda-bundling.ts; decision 0110): the runtime's own
 * fetch classes (Node 22's, from undici) instead of `@whatwg-node/node-fetch`'s re-implementation of them, which is
 * about 56 KB of the api's bundle and of every cold start's compile. The api's yoga is given the same classes in the
 * source (packages/api/src/runtime-fetch.ts, whose classes this re-exports), so tests and the benchmark run the
 * request path the functions run; this stand-in covers the modules of yoga and its server adapter that import the
 * package directly. Node 22 has no `URLPattern`: yoga's literal paths take the stand-in decision 0043 made for it
 * (literal-urlpattern.ts).
 */
export * from '../../packages/api/src/runtime-fetch';
export { URLPattern } from './literal-urlpattern';
