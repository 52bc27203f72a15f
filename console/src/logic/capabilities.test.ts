import { describe, expect, it } from 'vitest';
import { type Capabilities, type ConsoleRole, capabilitiesOf, hasGovernanceWork } from './capabilities';

/** Each role's console, as the API's descriptions say who reads and decides what (schema/schema.graphql). */
const cases: [ConsoleRole, (keyof Capabilities)[]][] = [
  [
    'IG_LEAD',
    [
      'reviewBreakGlass',
      'accessAlerts',
      'notifications',
      'breaches',
      'assessBreaches',
      'subjectAccess',
      'approveSubjectAccessExports',
      'compileSubjectAccessExports',
      'accessLog',
      'disclosureRegister',
      'accessHeatMap',
      'accessHeatMapByService',
      'reportBreaches',
      'recordSubjectAccess',
      'legalHolds',
      'placeLegalHolds',
      'approveChanges',
      'proposeErasure',
      'monitoringSettings',
      'disclosureConsentMethods',
    ],
  ],
  [
    'CALDICOTT_GUARDIAN',
    [
      'reviewBreakGlass',
      'reviewDisclosures',
      'disclosureQueue',
      'accessAlerts',
      'notifications',
      'breaches',
      'subjectAccess',
      'approveSubjectAccessExports',
      'accessLog',
      'disclosureRegister',
      'accessHeatMap',
      'accessHeatMapByService',
      'reportBreaches',
      'legalHolds',
      'placeLegalHolds',
      'approveChanges',
      'handleDisclosureRequests',
      'recordExceptionalDisclosures',
    ],
  ],
  [
    'SERVICE_MANAGER',
    [
      'reviewBreakGlass',
      'reviewDisclosures',
      'disclosureQueue',
      'accessAlerts',
      'breaches',
      'accessLog',
      'disclosureRegister',
      'accessHeatMap',
      'reportBreaches',
      'recordSubjectAccess',
      'manageCases',
      'assignQaReviews',
      'placeLegalHolds',
      'handleDisclosureRequests',
      'recordExceptionalDisclosures',
      'authoriseImports',
    ],
  ],
  [
    'SENIOR_MANAGER',
    ['disclosureQueue', 'breaches', 'reportBreaches', 'assignQaReviews', 'legalHolds', 'authoriseImports'],
  ],
  ['SUPPORT_WORKER', []],
  ['VOLUNTEER', []],
  ['ORG_ADMIN', []],
  ['HR_OFFICER', []],
];

describe('what the console offers each role', () => {
  it.each(cases)('%s: %j', (role, offered) => {
    const capabilities = capabilitiesOf([role]);
    expect(
      Object.entries(capabilities)
        .filter(([, on]) => on)
        .map(([name]) => name),
    ).toEqual(offered);
    expect(hasGovernanceWork(capabilities)).toBe(offered.length > 0);
  });
});
