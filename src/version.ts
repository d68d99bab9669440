/** Stratus's version, reported by /_stratus/health and the start-up banner. */
export const VERSION = '0.1.0';
