/**
 * A source paused for more than one reason at once (a full write buffer, a hashing thread that
 * fell behind); it flows again only when every reason has ended.
 */
import type { Readable } from 'node:stream';

export class SourceHold {
  private holds = 0;
  private writeHeld = false;

  constructor(private readonly source: Readable) {}

  /** After a write: holds the source while the destination's buffer is full. */
  written(roomLeft: boolean): void {
    if (roomLeft || this.writeHeld) return;
    this.writeHeld = true;
    this.hold();
  }

  /** The destination drained. */
  drained(): void {
    if (!this.writeHeld) return;
    this.writeHeld = false;
    this.release();
  }

  /** What onChunk returned: a promise holds the source until it settles (a rejection fails). */
  waitFor(result: unknown, fail: (err: unknown) => void): void {
    if (!(result instanceof Promise)) return;
    this.hold();
    result.then(() => this.release(), fail);
  }

  private hold(): void {
    if (this.holds++ === 0) this.source.pause();
  }

  private release(): void {
    if (--this.holds === 0) this.source.resume();
  }
}
