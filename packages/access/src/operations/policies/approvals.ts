import { allow, operationPolicy } from '../policy';

/**
 * The two-person rule's own operations. Any staff member may list and act on pending changes; whether they
 * may approve a given one is the approved operation's own `approvedBy`, checked when it runs.
 */
export const APPROVAL_POLICIES = [
  operationPolicy({
    id: 'approval.review',
    decide: () => allow('approval.review'),
  }),
] as const;
