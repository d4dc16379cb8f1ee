/**
 * Zod 4 compiles object parsers with `new Function` after probing whether it may. The pages'
 * Content-Security-Policy has no 'unsafe-eval' (lib/server/http/csp.ts): in a browser the probe is
 * refused and reported as a violation. Browsers parse without compiling (`jitless`); the server keeps
 * the compiled parsers. Imported for its effect by every module that defines schemas a page uses.
 */
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });
