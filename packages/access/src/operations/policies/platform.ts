/** Platform operators: onboarding and offboarding organisations; they read no tenant data. */
export const PLATFORM_POLICIES = [] as const;
