/** The port `npm start` serves the API and GraphiQL on, unless `--port` or `PORT` names another. */
export const DEFAULT_PORT = 4000;

/** How often `npm start` sweeps expired items and drains the stream, unless `--sweep-interval` says otherwise. */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 5;
