/**
 * Stands in for `tslib` in every Lambda bundle (lambda-bundling.ts; decision 0043). Its users there are
 * `@whatwg-node/node-fetch`'s CommonJS files, which `require` it, so esbuild keeps all of tslib's ~11 KB of helpers;
 * they call only `__exportStar` and `__importDefault` (infra/test/api-bundle.test.ts fails if a bundled file calls
 * another). The same helpers as tslib 2's, line for line.
 */

type Module = Record<string, unknown>;

export function __createBinding(o: Module, m: Module, k: string, k2: string = k): void {
  let desc = Object.getOwnPropertyDescriptor(m, k);
  if (!desc || ('get' in desc ? !m.__esModule : desc.writable || desc.configurable)) {
    desc = { enumerable: true, get: () => m[k] };
  }
  Object.defineProperty(o, k2, desc);
}

export function __exportStar(m: Module, o: Module): void {
  for (const p in m) if (p !== 'default' && !Object.hasOwn(o, p)) __createBinding(o, m, p);
}

export function __importDefault(mod: unknown): unknown {
  return mod && (mod as Module).__esModule ? mod : { default: mod };
}
