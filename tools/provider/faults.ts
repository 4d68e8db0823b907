// Deterministic fault injection: a plan maps the index of an infer call (0-based, counted by the
// server across all models) to the fault it suffers, so tests know exactly which attempt fails.
import type { OutputTensor } from "./codec.ts";

export const FAULT_KINDS = [
  "drop", // close the connection without answering
  "status-500", "status-503", "status-429", "status-400", "status-401",
  "slow", // answer correctly, but only after `ms` (default 10 s)
  "wrong-shape", "wrong-dtype", "nan", // a well-formed answer with a bad tensor
  "short-body", // binary part 4 bytes shorter than declared
  "bad-header", // a header that is not JSON
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** Delay of a "slow" fault. */
  ms?: number;
}

export type FaultPlan = (call: number) => Fault | undefined;

export const noFaults: FaultPlan = () => undefined;

const asFault = (f: FaultKind | Fault): Fault => (typeof f === "string" ? { kind: f } : f);

/** Faults at given call indices, and optionally on every n-th call (n-1, 2n-1, ...). */
export const faultPlan = (at: Readonly<Record<number, FaultKind | Fault>>, every?: { n: number; fault: FaultKind | Fault }): FaultPlan =>
  function planned(call) {
    const f = at[call] ?? (every && (call + 1) % every.n === 0 ? every.fault : undefined);
    return f === undefined ? undefined : asFault(f);
  };

/** Parses "CALL:KIND[:MS]" (a CLI --fault value). */
export function parseFault(arg: string): { call: number; fault: Fault } {
  const [call, kind, ms] = arg.split(":");
  if (!/^\d+$/.test(call) || !(FAULT_KINDS as readonly string[]).includes(kind) || (ms !== undefined && !/^\d+$/.test(ms))) {
    throw new Error(`bad fault "${arg}": expected CALL:KIND[:MS] with KIND one of ${FAULT_KINDS.join(", ")}`);
  }
  return { call: Number(call), fault: { kind: kind as FaultKind, ms: ms === undefined ? undefined : Number(ms) } };
}

/** HTTP status a status-* fault answers with, or undefined. */
export const faultStatus = (f: Fault | undefined): number | undefined =>
  f?.kind.startsWith("status-") ? Number(f.kind.slice(7)) : undefined;

/** Spoils a computed output as a tensor fault asks. */
export function spoilOutput(f: Fault | undefined, out: OutputTensor): OutputTensor {
  switch (f?.kind) {
    case "wrong-shape": return { ...out, shape: [out.shape[0] + 1, ...out.shape.slice(1)] };
    case "wrong-dtype": return { ...out, datatype: out.datatype === "FP32" ? "FP64" : "FP32" };
    case "nan": {
      const values = out.values.slice();
      values[values.length - 1] = Number.NaN;
      return { ...out, values };
    }
    default: return out;
  }
}

/** Spoils an encoded answer as a body fault asks. */
export function spoilBody(f: Fault | undefined, body: Uint8Array): Uint8Array {
  if (f?.kind === "short-body") return body.subarray(0, body.byteLength - 4);
  if (f?.kind === "bad-header") {
    const spoiled = body.slice();
    spoiled[0] = 0x7b ^ 0xff; // the "{" that opens the JSON header
    return spoiled;
  }
  return body;
}
