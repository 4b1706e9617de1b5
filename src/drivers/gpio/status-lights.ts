import type { OutputLine } from './lines.js';
import type { StatusLight } from './pin-map.js';

export type LightMode = 'on' | 'off' | 'blink';

/**
 * The status LEDs. Modes are remembered before the board is ready and applied when it is.
 * All blinking lights share one clock, so two blinking lights flash together, and a light
 * that starts blinking joins the current phase.
 */
export class StatusLights {
  private readonly modes = new Map<StatusLight, LightMode>();
  private live = false;
  private phaseOn = false;
  private blinkTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly lines: ReadonlyMap<StatusLight, OutputLine>,
    private readonly timing: { readonly blinkOnMs: number; readonly blinkOffMs: number },
  ) {}

  mode(light: StatusLight): LightMode {
    return this.modes.get(light) ?? 'off';
  }

  has(light: StatusLight): boolean {
    return this.lines.has(light);
  }

  set(light: StatusLight, mode: LightMode): void {
    if (this.mode(light) === mode) return;
    this.modes.set(light, mode);
    if (!this.live || !this.lines.has(light)) return;
    if (mode === 'blink' && !this.blinkTimer) this.startBlinking();
    else this.render(light);
    this.stopBlinkingIfIdle();
  }

  /** The board is ready: drive every light as its mode says. */
  goLive(): void {
    this.live = true;
    if (this.anyBlinking()) this.startBlinking();
    for (const light of this.lines.keys()) this.render(light);
  }

  /** Stop driving the lights (board failed or stopping); `off` also turns them off. */
  halt(off: boolean): void {
    clearTimeout(this.blinkTimer);
    this.blinkTimer = undefined;
    if (off && this.live) for (const line of this.lines.values()) line.drive(false);
    this.live = false;
  }

  private render(light: StatusLight): void {
    const line = this.lines.get(light);
    if (!line || !this.live) return;
    const mode = this.mode(light);
    line.drive(mode === 'on' || (mode === 'blink' && this.phaseOn));
  }

  private startBlinking(): void {
    this.phaseOn = true;
    this.renderBlinking();
    this.scheduleFlip();
  }

  private scheduleFlip(): void {
    const holdMs = this.phaseOn ? this.timing.blinkOnMs : this.timing.blinkOffMs;
    this.blinkTimer = setTimeout(() => {
      this.phaseOn = !this.phaseOn;
      this.renderBlinking();
      if (this.live) this.scheduleFlip();
    }, holdMs);
  }

  private renderBlinking(): void {
    for (const [light, mode] of this.modes) if (mode === 'blink') this.render(light);
  }

  private stopBlinkingIfIdle(): void {
    if (this.anyBlinking() || !this.blinkTimer) return;
    clearTimeout(this.blinkTimer);
    this.blinkTimer = undefined;
  }

  private anyBlinking(): boolean {
    for (const [light, mode] of this.modes) if (mode === 'blink' && this.lines.has(light)) return true;
    return false;
  }
}
