/**
 * @module random
 * A small seedable generator (sfc32, seeded by a 128-bit string hash) so
 * that chaos decisions can be replayed: the same seed and namespace give the
 * same stream of draws on every machine.
 */

/** A stream of uniform draws in [0, 1). */
export interface RandomStream {
  /** The seed this stream was derived from. */
  readonly seed: number;
  /** The next draw, uniform in [0, 1). */
  next(): number;
}

/** cyrb128: four 32-bit words from a string. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** The stream for `(seed, namespace)`: namespaces sharing a seed still draw independently. */
export function createStream(seed: number, namespace: string): RandomStream {
  let [a, b, c, d] = hash128(`${seed}\u0000${namespace}`);
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first draws, which sfc32 mixes poorly from a fresh state.
  for (let i = 0; i < 12; i++) next();
  return { seed, next };
}

/** A fresh random seed, for runs that did not set one (shown in the config so the run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
