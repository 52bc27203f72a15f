/** Governance: access monitoring, reports, emergency access reviews, staff records. */
export const GOVERNANCE_POLICIES = [] as const;
