// Entry of the measuring child process: TypeScript through tsx's loader, then runners/native/child.ts.
import { register } from "tsx/esm/api";

register();
await import("./child.ts");
