import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schema } from '@confide/api';
import { type GraphQLField, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * Today only counts and links: reading a classified field there would record a read of each person's data every time
 * Today opens (decisions 0149, 0152). Its documents are the ones `screens/today.ts` imports, as the console's trusted
 * documents hold them.
 */

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The operations Today sends: each `…Query` it imports from the documents is the trusted document `Console…`. */
function todaysDocuments(): string[] {
  const source = readFileSync(root('console/src/screens/today.ts'), 'utf8');
  const imported = /import \{([^}]*)\} from '\.\.\/documents';/.exec(source)?.[1] ?? '';
  return imported
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.endsWith('Query'))
    .map((name) => `Console${name.slice(0, -'Query'.length)}`);
}

/** The fields a document selects that the schema classifies, as `Type.field`. */
function classifiedSelections(document: string): string[] {
  const typeInfo = new TypeInfo(schema);
  const found: string[] = [];
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef() as GraphQLField<unknown, unknown> | null;
        const directives = field?.extensions?.directives as { classified?: unknown } | undefined;
        if (directives?.classified) found.push(`${typeInfo.getParentType()?.name}.${field?.name}`);
      },
    }),
  );
  return found;
}

describe('Today', () => {
  it('reads no classified field of anyone: its queues count and link, the screens they open read', () => {
    const documents = todaysDocuments();
    expect(documents).toContain('ConsolePendingBreakGlassReviews');
    for (const name of documents) {
      const file = root(`schema/trusted/confide-console/${name}.graphql`);
      expect(existsSync(file), name).toBe(true);
      expect(classifiedSelections(readFileSync(file, 'utf8')), name).toEqual([]);
    }
  });

  it('would be caught reading one, as the break-glass screen reads the detail', () => {
    const screen = readFileSync(
      root('schema/trusted/confide-console/ConsoleBreakGlassReview.graphql'),
      'utf8',
    );
    expect(classifiedSelections(screen)).toEqual(['EmergencyAccessReview.detail']);
  });
});
