// Round events of a stream, coalesced: a run can take 100,000 rounds, and one event per round would
// cost far more CPU and bytes than the sampling. Events leave in a burst and then at a bounded rate
// (a token bucket); a round that finds no token is held, and the next event carries the latest round.
import type { RoundEvent } from "../sampler/run.ts";
import type { Send } from "./sse.ts";

export const STREAM_EVENTS = {
  /** Events a stream may send at once: short runs show every round. */
  burst: 16,
  /** Sustained events per second after the burst. */
  perSecond: 4,
  /** Round events carry an x0 preview only when num_samples x dim is at most this: each event encodes it. */
  previewValues: 4096,
} as const;

export interface CoalescedRounds {
  /** The sampler's onRound: sends the event when a token is free (resolving when the stream has room), else holds it. */
  onRound(event: RoundEvent): Promise<void> | undefined;
  /** Sends the held event, if any: the last round always reaches the client. */
  flush(): Promise<void> | undefined;
}

/** `now` in ms (performance.now by default; under workerd it advances at I/O and timers, which the run yields to). */
export const coalescedRounds = (send: Send, now: () => number = () => performance.now()): CoalescedRounds => {
  let tokens: number = STREAM_EVENTS.burst;
  let last = now();
  let held: RoundEvent | undefined;
  return {
    onRound: function sendOrHold(event) {
      const t = now();
      tokens = Math.min(STREAM_EVENTS.burst, tokens + ((t - last) * STREAM_EVENTS.perSecond) / 1000);
      last = t;
      if (tokens < 1) {
        held = event;
        return undefined;
      }
      tokens -= 1;
      held = undefined;
      return send("round", event);
    },
    flush: function sendHeld() {
      const event = held;
      held = undefined;
      return event && send("round", event);
    },
  };
};
