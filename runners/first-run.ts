/**
 * First start on a fresh machine: when the database has no results yet, measure this machine once
 * (a quick suite on a small model) so a new user sees a real measured row. Filled in by the native
 * runner; until then it only reports what it found.
 */
export async function firstRun(): Promise<void> {
  return;
}
