#!/usr/bin/env node
// Entry point of `npx tokenwatt`: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../runners/cli/index.ts");
process.exitCode = await main(process.argv);
