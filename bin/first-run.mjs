#!/usr/bin/env node
// The first measurement of this machine, in its own process beside the server (`npm start` spawns it
// once the server answers): runs bin/first-run.ts through tsx. Its exit code is 0 whatever happened;
// the outcome is in first-run.json in the data directory.
import { register } from "tsx/esm/api";

register();
const { firstRun } = await import("./first-run.ts");
await firstRun();
