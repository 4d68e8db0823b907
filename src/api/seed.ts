// Request seeds: given, or drawn from the platform CSPRNG; either way the answer echoes it.

/** A uniform integer in [0, 2^53): 21 high bits and 32 low bits from crypto.getRandomValues. */
export const newSeed = (): number => {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0] >>> 11) * 2 ** 32 + words[1];
};

export const resolveSeed = (seed: number | undefined): number => seed ?? newSeed();
