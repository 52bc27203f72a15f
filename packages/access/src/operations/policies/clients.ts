/** Client records: services, registration, case management, notes, media, supervision, retention. */
export const CLIENT_POLICIES = [] as const;
