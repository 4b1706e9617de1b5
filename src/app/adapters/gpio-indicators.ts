import type { CounterGpio } from '../../drivers/gpio/index.js';
import type { BeepName, Indicators } from '../../terminal/ports.js';

/** The terminal's indicators on the GPIO driver: buzzer patterns, status lights, drawer relay. */
export function gpioIndicators(gpio: CounterGpio): Indicators {
  return {
    beep(name: BeepName): void {
      gpio.beep(name).catch(() => undefined);
    },
    setOffline(offline: boolean): void {
      gpio.setLight('offline', offline ? 'on' : 'off');
    },
    setFault(fault: boolean): void {
      gpio.setLight('fault', fault ? 'blink' : 'off');
      gpio.setLight('ready', fault ? 'off' : 'on');
    },
    async kickDrawer(): Promise<void> {
      if (gpio.features.drawerRelay) await gpio.kickDrawer();
    },
  };
}
