// Seeded randomness for property-style tests, so a failing run can be replayed from its seed.
export { seededRandom, shuffle } from '../../../../scripts/seeded-random';
