/**
 * The SSM parameter naming the app clients the api accepts beyond those in its environment (decision 0107): the
 * governance console's, whose client the console stack makes after the api stack. A fixed name, so that the api stack
 * can grant its read without depending on the console stack.
 */
export const consoleClientIdParameterName = (stage: string) => `/confide/${stage}/console-client-id`;
