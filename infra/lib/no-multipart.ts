/**
 * Stands in for `@fastify/busboy` in every Lambda bundle (lambda-bundling.ts). The fetch implementation yoga runs on
 * parses multipart bodies with it, only when `Request.formData()` is called; Confide never calls it: a GraphQL
 * request that is not `application/json` is refused with 415 before its body is read (packages/api/src/yoga.ts,
 * `jsonPostOnlyPlugin`), and no function takes uploads. Leaving the parser out keeps 27 KB out of the api's cold start;
 * should anything ever reach it, it fails loudly instead of parsing.
 */
export class Busboy {
  constructor() {
    throw new Error('Multipart bodies are not accepted: Confide reads JSON bodies only.');
  }
}
