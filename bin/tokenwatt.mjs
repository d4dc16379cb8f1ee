#!/usr/bin/env node
// Entry point of `npx tokenwatt`: runs the TypeScript CLI (bin/cli.ts, the composition root) through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./cli.ts");
process.exitCode = await main(process.argv);
