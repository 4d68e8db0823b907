// The request's draft object as sampler options: the model's defaults, the request's fields over them, and
// draft.window "auto" with its latency model (src/sampler/latency.ts).
import { InvalidRequestError } from "../errors.ts";
import { componentCount } from "../models/index.ts";
import { DEFAULT_LATENCY, type AutoWindow, type LatencyModel } from "../sampler/latency.ts";
import { MAX_WINDOW, type DraftOptions } from "../sampler/options.ts";
import type { ResolvedModel } from "./model.ts";
import type { SampleRequest } from "./schemas/index.ts";

type DraftRequest = NonNullable<SampleRequest["draft"]>;

// A built-in model is evaluated inside the Worker: no round trip, and each row costs its mixture's CPU
// (1.2 ns per value and component, as measured under workerd: README limits). The sampler adds its own CPU per row.
const embeddedLatency = (model: ResolvedModel): LatencyModel =>
  ({ rttMs: 0, c0Ms: 0, c1Ms: model.mixture ? (model.dim * componentCount(model.mixture) * 1.2e-6) : 0 });

/** The provider's default call cost for an auto window: the analytic model's CPU, or a remote model's published-figures curve. */
export const defaultLatency = (model: ResolvedModel): LatencyModel => (model.mixture ? embeddedLatency(model) : DEFAULT_LATENCY);

const autoWindow = (model: ResolvedModel, latency: DraftRequest["latency"]): AutoWindow =>
  latency === undefined || latency === "measured"
    ? { latency: defaultLatency(model), measured: latency === "measured" }
    : { latency: { rttMs: latency.rtt_ms, c0Ms: latency.c0_ms, c1Ms: latency.c1_ms }, measured: false };

/** The sampler's draft options for a request; throws InvalidRequestError (draft.latency) for a latency without an auto window. */
export const draftOptions = (model: ResolvedModel, asked: DraftRequest = {}): DraftOptions => {
  const { window, latency, ...rest } = asked;
  const base = model.defaults.draft;
  const auto = window === "auto" || (window === undefined && base.auto !== null);
  if (latency !== undefined && !auto) throw new InvalidRequestError("draft.latency", 'latency applies to draft.window "auto" only');
  if (!auto) return { ...base, ...rest, window: window ?? base.window, auto: null };
  const keep = window === undefined && latency === undefined ? base.auto : null;
  return { ...base, ...rest, window: MAX_WINDOW, auto: keep ?? autoWindow(model, latency) };
};
