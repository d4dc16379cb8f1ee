/**
 * Who a read is for: `owner` (runs published or not) or `public` (published runs). Decided once per
 * request, page or call by lib/server/access/audience.ts; a read takes it and never asks the mode.
 */
export type Audience = "owner" | "public";
