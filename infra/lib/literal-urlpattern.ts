/**
 * The `URLPattern` of every Lambda bundle (decision 0043), given to yoga by the fetch stand-in (runtime-fetch.ts,
 * decision 0110) where `@whatwg-node/fetch` would load `urlpattern-polyfill`: Node 22 has none, and yoga makes
 * patterns only of literal paths (`graphqlEndpoint`, the readiness endpoint), whose one use is `test`. That is this class: a pattern of one literal
 * pathname that tests a URL's pathname for equality. A pattern of anything else (a parameter, a wildcard, a group,
 * another component) is refused when it is made, so code that needs the real matcher fails at once, never matches
 * wrongly. About 18 KB less in each bundle.
 */
const SYNTAX = /[:*(){}?+\\]/;

type PatternInit = { readonly pathname?: string } & Record<string, unknown>;

export class URLPattern {
  readonly pathname: string;

  constructor(init: PatternInit) {
    const other = Object.keys(init).filter((key) => key !== 'pathname');
    if (typeof init.pathname !== 'string' || other.length > 0 || SYNTAX.test(init.pathname)) {
      throw new TypeError('This URLPattern stands in for literal pathnames only.');
    }
    this.pathname = init.pathname;
  }

  test(input: string | URL | { readonly pathname?: string }, baseURL?: string): boolean {
    const pathname =
      typeof input === 'string' ? new URL(input, baseURL ?? 'http://localhost').pathname : input.pathname;
    return pathname === this.pathname;
  }
}
