import {
  DirectiveLocation,
  GraphQLDirective,
  type GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { assertPersonalDataClassified } from '../access/personal-data';
import { builder } from '../builder';
import './vocabulary';
import './staff';
import './organisations';
import './viewer';
import './care-services';
import './service-users';
import './case-notes';
import './service-user-operations';
import './access-governance';
import './partners';
import './consents';
import './breaches';
import './disclosures';
import './disclosure-queue';
import './disclosure-reviews';
import './referrals';
import './subject-access';
import './media';
import './staff-records';
import './supervision';
import './retention';
import './monitoring';
import './approvals';
import './import-authorisations';
import './operators';
import { describeListMaxima } from '../hardening';
import { describeIdForms } from './id-forms';

/**
 * The directives partners read in the SDL. They are built against the schema's own `Classification` enum, so
 * the SDL says `@classified(as: HEALTH)`; Pothos records which field carries which, from the same declaration
 * that enforces it (see access/need-to-know.ts).
 */
function confideDirectives(classification: GraphQLEnumType): GraphQLDirective[] {
  return [
    new GraphQLDirective({
      name: 'classified',
      description: 'The classification of a field of personal data (ACCESS-MODEL.md, Classifications).',
      locations: [DirectiveLocation.FIELD_DEFINITION],
      args: { as: { type: new GraphQLNonNull(classification), description: 'The classification.' } },
    }),
    new GraphQLDirective({
      name: 'needToKnow',
      description:
        'Who may read the field: `read` lists the access-model rows that read it, `justify` the rows that read it only with a stated purpose. Everyone else gets FORBIDDEN (or NOT_FOUND without a relationship).',
      locations: [DirectiveLocation.FIELD_DEFINITION],
      args: {
        read: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
        justify: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
      },
    }),
    new GraphQLDirective({
      name: 'purpose',
      description:
        'States why the operation reads fields that need a justification (the alternative to the X-Access-Purpose header, which takes printable Latin-1 only), in at most 500 characters (a longer purpose, by either, is BAD_USER_INPUT on `purpose` and nothing runs). Recorded on every audit event of the request.',
      locations: [DirectiveLocation.QUERY, DirectiveLocation.MUTATION],
      args: { reason: { type: new GraphQLNonNull(GraphQLString) } },
    }),
  ];
}

// Not sorted here: Pothos' default sort rebuilds every type at each cold start, and only the printed SDL needs an
// order (print-schema.ts sorts it; decision 0038).
const built = builder.toSchema({ sortSchema: false });
// A field of a type holding client personal data without a classification fails the build (ACCESS-MODEL.md).
assertPersonalDataClassified(built);

/**
 * The whole schema; importing this module registers every type on the builder once. Each list argument's
 * description states its maximum, from the limits the server enforces (hardening.ts).
 */
export const schema = describeIdForms(
  describeListMaxima(
    new GraphQLSchema({
      ...built.toConfig(),
      // Valid by construction: the schema is this code, the same at every cold start, and served-schema.test.ts
      // validates it in full. Without this graphql validates it again on each process's first request (decision 0055).
      assumeValid: true,
      directives: [
        ...built.getDirectives(),
        ...confideDirectives(built.getType('Classification') as GraphQLEnumType),
      ],
    }),
  ),
);
