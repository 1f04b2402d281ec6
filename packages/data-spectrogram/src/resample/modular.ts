/** Exact integer helpers for twiddle and chirp phases (angles from exact residues, never a drifting recurrence). */

/** ((a mod m) + m) mod m for integers that are exact doubles. */
export function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** (a · b) mod m for 0 ≤ a, b < m, exact for any m < 2^53 (BigInt fallback above 2^26). */
export function mulmod(a: number, b: number, m: number): number {
  if (m <= 67_108_864) return (a * b) % m;
  return Number((BigInt(a) * BigInt(b)) % BigInt(m));
}
