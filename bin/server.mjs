#!/usr/bin/env node
// Entry point of the production server (`npm start` spawns it; cluster workers run it again): runs
// bin/server.ts through tsx.
import { register } from "tsx/esm/api";

register();
const { serve } = await import("./server.ts");
await serve();
