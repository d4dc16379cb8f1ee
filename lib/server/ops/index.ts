/**
 * Every operation by name: the route table serves each at its route, the CLI calls each by name on
 * the database or through that route, the pages' server actions call them directly.
 */
import type { z } from "zod";
import { addLayout, listLayouts } from "./catalog";
import { renameDevice } from "./devices";
import { explainOutput } from "./explain-output";
import { enqueue, registerAgent } from "./fleet";
import { firstRunStatus } from "./first-run";
import { createPairing } from "./pairing";
import { publish } from "./publish";
import { myRuns, reviewQueue, reviewRun, trustContributor } from "./review";
import { createToken, listTokens, revokeToken } from "./tokens";

export const OPERATIONS = {
  publish,
  explainOutput,
  renameDevice,
  addLayout,
  listLayouts,
  createToken,
  listTokens,
  revokeToken,
  enqueue,
  reviewQueue,
  reviewRun,
  myRuns,
  trustContributor,
  createPairing,
  registerAgent,
  firstRunStatus,
} as const;

export type OpName = keyof typeof OPERATIONS;
/** What a caller sends (defaults may be left out). */
export type OpInput<K extends OpName> = z.input<(typeof OPERATIONS)[K]["input"]>;
export type OpOutput<K extends OpName> = Awaited<ReturnType<(typeof OPERATIONS)[K]["run"]>>;
