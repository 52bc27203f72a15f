import { readFileSync } from 'node:fs';
import { printConfideSchema, SCHEMA_FILE } from '@confide/api/print-schema';
import { describe, expect, it } from 'vitest';

describe('schema/schema.graphql', () => {
  it('is exactly what the Pothos schema prints (run `npm run schema:print` after a schema change)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printConfideSchema());
  });
});
