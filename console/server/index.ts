export { CONSOLE_DIR, CONSOLE_DIST, consoleBuildStale, ensureConsoleBuilt } from './build';
export {
  CONSOLE_PATH,
  consoleSecurityHeaders,
  type LocalConsoleOptions,
  type LocalSignInUser,
  localConsoleHandler,
  startServerWithConsole,
} from './local-server';
