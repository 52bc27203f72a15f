import { allow, operationPolicy } from '../policy';

/**
 * The two-person rule's own operations. Any staff member may list and act on pending changes; whether they
 * may approve a given one is the approved operation's own `approvedBy`, checked when it runs.
 */
export const APPROVAL_POLICIES = [
  operationPolicy({
    id: 'approval.review',
    clause:
      'ACCESS-MODEL.md Two-person rule: a second person with authority approves what one may not do alone',
    decide: () => allow('approval.review'),
  }),
] as const;
