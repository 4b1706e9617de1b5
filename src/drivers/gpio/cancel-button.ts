import type { IoPlugin } from './io-plugin.js';
import { DebouncedInput, type FaultSink } from './lines.js';
import type { InputPin } from './pin-map.js';

/**
 * The cancel key. `pressed` is called once per debounced press (released -> pressed). A key
 * already held when the device starts is not a press: it must be released and pressed again.
 */
export class CancelButton {
  private readonly input: DebouncedInput;

  constructor(io: IoPlugin, pin: number, config: InputPin, debounceMs: number, pressed: () => void, onFault: FaultSink) {
    this.input = new DebouncedInput('cancelButton', io, pin, config, debounceMs, (down, before) => {
      if (down && before === false) pressed();
    }, onFault);
  }

  /** The debounced level; undefined until it first settles. */
  get isDown(): boolean | undefined {
    return this.input.active;
  }

  attach(): boolean {
    return this.input.attach();
  }

  detach(): void {
    this.input.detach();
  }
}
