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
      'peopleByReference',
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
      'peopleByReference',
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
      'servicePeople',
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

describe('the screens that link to a person’s screen', () => {
  it.each(cases)('are offered to %s only with the person’s screen itself', (role) => {
    const can = capabilitiesOf([role]);
    // The People screen's lists and the Disclosures screen's rows link to `#/person/<id>`, which needs `accessLog`.
    if (
      can.servicePeople ||
      can.peopleByReference ||
      can.handleDisclosureRequests ||
      can.recordExceptionalDisclosures
    ) {
      expect(can.accessLog).toBe(true);
    }
  });
});

describe('who lists people by case reference', () => {
  it('is those who read people by reference with no relationship to them, never by name', () => {
    expect(capabilitiesOf(['IG_LEAD']).peopleByReference).toBe(true);
    expect(capabilitiesOf(['CALDICOTT_GUARDIAN']).peopleByReference).toBe(true);
    expect(capabilitiesOf(['SERVICE_MANAGER']).peopleByReference).toBe(false);
    expect(capabilitiesOf(['SENIOR_MANAGER']).peopleByReference).toBe(false);
  });

  it('is offered alongside the manager’s list to someone who holds both roles', () => {
    const can = capabilitiesOf(['SERVICE_MANAGER', 'IG_LEAD']);
    expect([can.servicePeople, can.peopleByReference]).toEqual([true, true]);
  });
});
