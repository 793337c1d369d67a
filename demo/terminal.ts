/**
 * Output of the demo: a frame redrawn in place on a terminal, or plain lines elsewhere.
 */

/** Where the demo writes (process.stdout, or a test double). */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

/**
 * Draws frames in place: each frame moves the cursor back to the top of the previous one and
 * overwrites it, so the terminal shows one live table instead of a scrolling log.
 */
export class LiveScreen {
  readonly #output: Output;
  #height = 0;
  #cursorHidden = false;

  constructor(output: Output) {
    this.#output = output;
  }

  get width(): number {
    return this.#output.columns ?? 100;
  }

  get height(): number {
    return this.#output.rows ?? 40;
  }

  draw(lines: readonly string[]): void {
    let text = this.#cursorHidden ? '' : HIDE_CURSOR;
    this.#cursorHidden = true;
    if (this.#height > 0) text += `\x1b[${this.#height}F`;
    for (const line of lines) text += `${line}${CLEAR_LINE}\n`;
    text += CLEAR_BELOW;
    this.#output.write(text);
    this.#height = lines.length;
  }

  /** Leaves the last frame on screen and gives the cursor back. */
  finish(): void {
    if (this.#cursorHidden) this.#output.write(SHOW_CURSOR);
    this.#cursorHidden = false;
    this.#height = 0;
  }
}
