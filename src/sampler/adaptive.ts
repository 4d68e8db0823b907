// Adaptive window: choose L before drafting from the chain's own history of acceptances by position.
// Using only past rounds keeps exactness (the choice is fixed before this round's randomness is drawn);
// it trims rows that would almost surely be rejected, at little cost in rounds.

/** Running acceptance of the draft at each window position (1 = optimistic start). */
export type PositionAcceptance = Float64Array;

const SMOOTHING = 0.2; // weight of the newest round in the moving average
const REACH_FLOOR = 0.05; // stop growing L once the chance of reaching the next position drops below this

export const newPositionAcceptance = (maxWindow: number): PositionAcceptance => new Float64Array(maxWindow).fill(1);

/** Updates positions 0..seen-1 with whether each draft was accepted (position < tau). */
export const observeWindow = (acc: PositionAcceptance, seen: number, tau: number): void => {
  for (let i = 0; i < seen; i++) acc[i] = (1 - SMOOTHING) * acc[i] + SMOOTHING * (i < tau ? 1 : 0);
};

/** Smallest L whose next position is reached with probability below REACH_FLOOR, capped at maxWindow. */
export const chooseWindow = (acc: PositionAcceptance, maxWindow: number): number => {
  let reach = 1;
  for (let L = 1; L < maxWindow; L++) {
    reach *= acc[L - 1];
    if (reach < REACH_FLOOR) return L;
  }
  return maxWindow;
};
