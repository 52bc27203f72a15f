/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the API is, when it is not the console's own origin (the AWS build). */
  readonly VITE_CONFIDE_API_URL?: string;
}
