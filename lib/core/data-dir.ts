/**
 * Where Tokenwatt keeps its data (embedded database, outbox, owner credential, models, llama-bench
 * build), one rule for the server (lib/server/env.ts) and the device side (runners/env.ts), so
 * `npm start`, `npx tokenwatt` and the owner's admin commands find the same folder:
 * TOKENWATT_DATA_DIR resolved against the working directory, else DEFAULT_DATA_DIR in the project
 * root. lib/core imports no node:path, so each side passes its path.resolve and its project root.
 */

/** The data folder's name inside the project root, when TOKENWATT_DATA_DIR is unset or empty. */
export const DEFAULT_DATA_DIR = ".tokenwatt";

/**
 * The data folder, an absolute path. `setting`: TOKENWATT_DATA_DIR (unset or empty: the default);
 * `projectRoot`: the folder holding package.json; `resolve`: node's path.resolve.
 */
export function resolveDataDir(setting: string | undefined, projectRoot: string, resolve: (...paths: string[]) => string): string {
  return setting ? resolve(setting) : resolve(projectRoot, DEFAULT_DATA_DIR);
}
