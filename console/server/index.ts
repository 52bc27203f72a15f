export { CONSOLE_DIR, CONSOLE_DIST, consoleBuildStale, ensureConsoleBuilt } from './build';
export {
  CONSOLE_PATH,
  CONSOLE_SECURITY_HEADERS,
  type LocalConsoleOptions,
  type LocalSignInUser,
  localConsoleHandler,
  startServerWithConsole,
} from './local-server';
