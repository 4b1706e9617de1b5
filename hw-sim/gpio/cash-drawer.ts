import { Contact } from './contact.js';

export interface CashDrawerOptions {
  /** The solenoid must stay energized this long to pull the latch (shorter pulses do nothing). */
  readonly latchReleaseMs: number;
  /** From the latch letting go to the drawer switch changing. */
  readonly springOpenMs: number;
  /** Energized longer than this, a real solenoid overheats: the twin flags it. */
  readonly overheatMs: number;
  /** Bounce of the drawer switch each time it changes (ms gaps, see Contact). */
  readonly switchBounceMs: readonly number[];
  readonly startsOpen: boolean;
  /** Which drawer position closes the switch contact. */
  readonly switchClosedWhen: 'drawer-open' | 'drawer-closed';
}

export const defaultCashDrawerOptions: CashDrawerOptions = {
  latchReleaseMs: 30,
  springOpenMs: 25,
  overheatMs: 1000,
  switchBounceMs: [],
  startsOpen: false,
  switchClosedWhen: 'drawer-open',
};

/**
 * A cash drawer: a latch released by a solenoid, a spring that pushes the drawer out, and a
 * switch that tells whether it is open. The drawer opens only when the solenoid is energized
 * long enough; it closes when the cashier pushes it shut.
 */
export class CashDrawer {
  readonly switchContact: Contact;
  private open: boolean;
  private energizedSince: number | undefined;
  private latchTimer: ReturnType<typeof setTimeout> | undefined;
  private springTimer: ReturnType<typeof setTimeout> | undefined;
  private overheatTimer: ReturnType<typeof setTimeout> | undefined;
  /** Times the latch let go. */
  kicks = 0;
  overheated = false;
  /** Longest time the solenoid was held energized (ms). */
  longestEnergizedMs = 0;

  constructor(
    private readonly options: CashDrawerOptions,
    private readonly clock: () => number,
    switchChanged: () => void,
  ) {
    this.open = options.startsOpen;
    this.switchContact = new Contact(this.contactClosedFor(this.open), switchChanged);
  }

  get isOpen(): boolean {
    return this.open;
  }

  get energized(): boolean {
    return this.energizedSince !== undefined;
  }

  /** The relay driver's output changed. */
  solenoid(energized: boolean): void {
    if (energized === this.energized) return;
    if (energized) {
      this.energizedSince = this.clock();
      this.latchTimer = setTimeout(() => this.latchReleased(), this.options.latchReleaseMs);
      this.overheatTimer = setTimeout(() => {
        this.overheated = true;
      }, this.options.overheatMs);
      return;
    }
    this.longestEnergizedMs = Math.max(this.longestEnergizedMs, this.clock() - this.energizedSince!);
    this.energizedSince = undefined;
    clearTimeout(this.latchTimer);
    clearTimeout(this.overheatTimer);
  }

  /** The cashier pushes the drawer shut (it latches). */
  pushShut(): Promise<void> {
    clearTimeout(this.springTimer);
    return this.moveTo(false);
  }

  /** Opened by hand (key or manual release), not by the solenoid. */
  pullOpen(): Promise<void> {
    return this.moveTo(true);
  }

  freeze(): void {
    clearTimeout(this.latchTimer);
    clearTimeout(this.springTimer);
    clearTimeout(this.overheatTimer);
    this.switchContact.freeze();
  }

  private latchReleased(): void {
    this.latchTimer = undefined;
    if (this.open) return;
    this.kicks++;
    this.springTimer = setTimeout(() => void this.moveTo(true), this.options.springOpenMs);
  }

  private moveTo(open: boolean): Promise<void> {
    this.open = open;
    return this.switchContact.move(this.contactClosedFor(open), this.options.switchBounceMs);
  }

  private contactClosedFor(open: boolean): boolean {
    return (this.options.switchClosedWhen === 'drawer-open') === open;
  }
}
