import type { IoPlugin } from './io-plugin.js';
import { DebouncedInput, type FaultSink } from './lines.js';
import type { InputPin } from './pin-map.js';

export type DrawerState = 'open' | 'closed' | 'unknown';

export interface DrawerSwitchListener {
  changed(state: 'open' | 'closed'): void;
  leftOpen(openForMs: number): void;
}

/**
 * The drawer-open switch: a debounced state, a `changed` call on every settled change
 * (including the first, from unknown), and one `leftOpen` call when the drawer stays open
 * longer than leftOpenMs (0 = never).
 */
export class DrawerSwitch {
  private readonly input: DebouncedInput;
  private leftOpenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    io: IoPlugin,
    pin: number,
    config: InputPin,
    timing: { readonly drawerDebounceMs: number; readonly drawerLeftOpenMs: number },
    private readonly listener: DrawerSwitchListener,
    onFault: FaultSink,
  ) {
    this.input = new DebouncedInput('drawerSwitch', io, pin, config, timing.drawerDebounceMs, (open) => this.settled(open, timing.drawerLeftOpenMs), onFault);
  }

  get state(): DrawerState {
    const open = this.input.active;
    return open === undefined ? 'unknown' : open ? 'open' : 'closed';
  }

  attach(): boolean {
    return this.input.attach();
  }

  detach(): void {
    this.input.detach();
    clearTimeout(this.leftOpenTimer);
    this.leftOpenTimer = undefined;
  }

  private settled(open: boolean, leftOpenMs: number): void {
    clearTimeout(this.leftOpenTimer);
    this.leftOpenTimer = undefined;
    if (open && leftOpenMs > 0) {
      this.leftOpenTimer = setTimeout(() => {
        this.leftOpenTimer = undefined;
        this.listener.leftOpen(leftOpenMs);
      }, leftOpenMs);
    }
    this.listener.changed(open ? 'open' : 'closed');
  }
}
