import type { Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { OPERATION_POLICIES } from '../catalogue';
import type { OperationFacts } from '../facts';
import { type DisclosureQueueItemKind, seesDisclosureQueueItem } from './disclosure-queue';

/**
 * Whose disclosure work queue an item is in (issue 15, items 7 and 8): the service's managers decide requests
 * (Azure 4.1), the Caldicott Guardian escalated and flagged ones (Lets connect 4.3), and the Senior Manager is told
 * of court-order disclosures (Azure 7.1).
 */

const viewer = (roles: Role[], managesClientService = false) => ({ roles, managesClientService });

describe('seesDisclosureQueueItem', () => {
  it.each<[string, DisclosureQueueItemKind, ReturnType<typeof viewer>, boolean]>([
    [
      'the service’s manager, a request to decide',
      'AWAITING_DECISION',
      viewer(['SERVICE_MANAGER'], true),
      true,
    ],
    ['another service’s manager', 'AWAITING_DECISION', viewer(['SERVICE_MANAGER'], false), false],
    ['the Guardian, a request to decide', 'AWAITING_DECISION', viewer(['CALDICOTT_GUARDIAN']), false],
    ['the Guardian, an escalated request', 'ESCALATED_REQUEST', viewer(['CALDICOTT_GUARDIAN']), true],
    [
      'the service’s manager, an escalated request',
      'ESCALATED_REQUEST',
      viewer(['SERVICE_MANAGER'], true),
      false,
    ],
    ['the Guardian, a flagged decision', 'FLAGGED_DECISION', viewer(['CALDICOTT_GUARDIAN']), true],
    ['the Senior Manager, a flagged decision', 'FLAGGED_DECISION', viewer(['SENIOR_MANAGER']), false],
    ['the Senior Manager, a court order', 'COURT_ORDER_DISCLOSURE', viewer(['SENIOR_MANAGER']), true],
    ['the Guardian, a court order', 'COURT_ORDER_DISCLOSURE', viewer(['CALDICOTT_GUARDIAN']), true],
    ['a support worker, a court order', 'COURT_ORDER_DISCLOSURE', viewer(['SUPPORT_WORKER']), false],
  ])('%s', (_name, kind, who, sees) => {
    expect(seesDisclosureQueueItem(kind, who)).toBe(sees);
  });

  it('drops an item from the queues of those told in the capacity that acknowledged it only', () => {
    expect(
      seesDisclosureQueueItem('COURT_ORDER_DISCLOSURE', viewer(['SENIOR_MANAGER']), ['SENIOR_MANAGER']),
    ).toBe(false);
    expect(
      seesDisclosureQueueItem('COURT_ORDER_DISCLOSURE', viewer(['CALDICOTT_GUARDIAN']), ['SENIOR_MANAGER']),
    ).toBe(true);
  });
});

describe('disclosure-queue.list', () => {
  const decide = OPERATION_POLICIES['disclosure-queue.list'].decide;
  const facts = (roles: Role[], managesAnyService = false): OperationFacts => ({
    caller: { kind: 'STAFF', roles, acknowledgedPolicy: true },
    preset: 'STRICT',
    approved: false,
    managesAnyService,
  });

  it.each<[string, OperationFacts, string]>([
    ['the Caldicott Guardian', facts(['CALDICOTT_GUARDIAN']), 'ALLOW'],
    ['the Senior Manager', facts(['SENIOR_MANAGER']), 'ALLOW'],
    ['a service manager managing a service', facts(['SERVICE_MANAGER'], true), 'ALLOW'],
    ['a service manager managing none', facts(['SERVICE_MANAGER'], false), 'FORBIDDEN'],
    ['a support worker', facts(['SUPPORT_WORKER']), 'FORBIDDEN'],
    ['the IG lead', facts(['IG_LEAD']), 'FORBIDDEN'],
  ])('%s', (_name, given, effect) => {
    expect(decide(given).effect).toBe(effect);
  });
});
