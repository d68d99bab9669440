/** What the request thread and the hashing thread share about a job (hash-offload.ts). */

/** ctrl[CTRL_USED]: bytes written into the ring and not yet hashed. */
export const CTRL_USED = 0;
/** ctrl[CTRL_STATE]: STATE_OPEN, then STATE_FINISHED (all bytes written) or STATE_ABORTED. */
export const CTRL_STATE = 1;
export const CTRL_LENGTH = 2;

export const STATE_OPEN = 0;
export const STATE_FINISHED = 1;
export const STATE_ABORTED = 2;

/** Opens a job in the hashing thread. */
export interface HashJobMessage {
  id: number;
  ring: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  algorithms: string[];
  md5: boolean;
  sha256: boolean;
}
