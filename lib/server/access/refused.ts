/** A refusal an operation raises: one code of the refusal table (lib/server/http/refusals.ts) and its message. */
import type { RefusalCode } from "./refusal-codes";

export class Refused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "Refused";
  }
}
