import { URLPattern as Polyfill } from 'urlpattern-polyfill';
import { describe, expect, it } from 'vitest';
import { URLPattern } from '../lib/literal-urlpattern';

describe('the literal URLPattern stand-in', () => {
  const inputs = [
    new URL('https://api.example/graphql'),
    new URL('https://api.example/graphql?query=%7B__typename%7D'),
    new URL('https://api.example/graphql/'),
    new URL('https://api.example/graphiql'),
    new URL('https://api.example/health'),
    new URL('https://api.example/'),
    'https://api.example/graphql',
    'http://127.0.0.1:4000/graphql#x',
    { pathname: '/graphql' },
    { pathname: '/other' },
  ];

  it.each(['/graphql', '/health'])(
    'tests %s as the polyfill does, for URLs, strings and pathnames',
    (pathname) => {
      const standIn = new URLPattern({ pathname });
      const polyfill = new Polyfill({ pathname });

      expect(inputs.map((input) => standIn.test(input))).toEqual(inputs.map((input) => polyfill.test(input)));
      expect(inputs.some((input) => standIn.test(input))).toBe(true);
    },
  );

  it.each([
    [{ pathname: '/graphql/:id' }],
    [{ pathname: '/graphql/*' }],
    [{ pathname: '/(graphql|gql)' }],
    [{ pathname: '/graphql', hostname: 'api.example' }],
    [{}],
  ])('refuses a pattern that is not one literal pathname: %j', (init) => {
    expect(() => new URLPattern(init as { pathname?: string })).toThrow(TypeError);
  });
});
