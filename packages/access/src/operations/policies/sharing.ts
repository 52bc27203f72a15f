/** Sharing: consent, disclosure requests and register, reviews, breaches, referrals, subject access. */
export const SHARING_POLICIES = [] as const;
