import { CliError } from "./cli-error";

/** --device-name: one line, 1 to 100 characters (the contract's limit); undefined: no name. */
export function deviceName(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!t || t.length > 100 || /[\u0000-\u001f\u007f]/.test(t)) throw new CliError("--device-name must be one line of 1 to 100 characters");
  return t;
}
