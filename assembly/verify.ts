// Verification of drafted steps (ALGORITHMS.md sections 2-4). Re-exports only.
export { stepStats } from "./verify_stats";
export { tokenAccept, couplingAcceptance, reflect } from "./verify_token";
export { blockVerify, blockStop, blockLogWeightNext } from "./verify_block";
