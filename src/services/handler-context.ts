/**
 * The context every generated operation interface (src/generated/<svc>/operations.ts) passes to
 * a handler. The interface itself lives with the pipeline's handler types (./handler.ts), so
 * there is one definition; this module is the stable import point for generated code.
 */
export type { HandlerContext } from './handler.ts';

/** The input of an operation whose model has no input shape. */
export type NoInput = Record<string, never>;
