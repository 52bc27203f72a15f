import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
import { PothosDirectivesPlugin } from '@pothos/plugin-directives';
import type { GraphQLSchema } from 'graphql';

/**
 * Pothos' directives plugin without its mock AST. The plugin records each field's directives in
 * `extensions.directives` (what access/personal-data.ts reads, and what graphql-tools' printSchemaWithDirectives
 * prints, print-schema.ts), and then, after the build, builds a mock `astNode` for every type, field and argument so
 * that a printer reading only AST nodes would see them too. Nothing in Confide needs those nodes, and building them
 * took about a tenth of the schema build at every cold start, plus 1.2 MB of heap that brought the first full
 * collection into the first request (decision 0055). They also froze each description as it was at build time, so the
 * printer printed those instead of the served ones (id forms and list maxima are added after the build). This is the
 * plugin with that one step left out: the same `extensions`, no `astNode`. served-schema.test.ts proves no mock AST
 * is built; print-schema.test.ts that the SDL prints every description as served; schema-classification.test.ts
 * (test/need-to-know) that it prints `@classified` and `@needToKnow` where they are enforced.
 */
export class DirectivesWithoutAstPlugin<Types extends SchemaTypes> extends PothosDirectivesPlugin<Types> {
  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    const inExtensions = schema.extensions?.directives as
      | Parameters<typeof this.mergeDirectives>[0]
      | undefined;
    schema.extensions = {
      ...schema.extensions,
      directives: this.normalizeDirectives(
        this.mergeDirectives(
          inExtensions ?? {},
          this.options.schemaDirectives as Parameters<typeof this.mergeDirectives>[1],
        ),
      ),
    };
    return schema;
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      directivesWithoutAst: DirectivesWithoutAstPlugin<Types>;
    }
  }
}

/** The plugin's name, for the builder's `plugins` list (in place of `@pothos/plugin-directives`' own). */
export const DIRECTIVES_WITHOUT_AST_PLUGIN = 'directivesWithoutAst' as const;
SchemaBuilder.registerPlugin(DIRECTIVES_WITHOUT_AST_PLUGIN, DirectivesWithoutAstPlugin);
