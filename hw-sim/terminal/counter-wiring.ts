import { GpioTwin, type GpioTwinOptions, type GpioTwinWiring } from '../gpio/gpio-twin.js';

/**
 * The reference counter wiring of docs/devices/gpio.md, as posd's `devices.gpio.pins` says it
 * and as the GPIO twin is soldered: status LEDs, buzzer, drawer relay, cancel key and drawer
 * switch (BCM numbers).
 */
export const REFERENCE_GPIO_PINS = {
  readyLight: 'GPIO5',
  offlineLight: 'GPIO6',
  faultLight: { pin: 'GPIO13', active: 'low' },
  buzzer: 'GPIO26',
  drawerRelay: 'GPIO17',
  cancelButton: { pin: 'GPIO27', active: 'low' },
  drawerSwitch: { pin: 'GPIO22', active: 'low' },
} as const;

/** What is soldered to the twin for the reference pins: key and drawer switch to ground, the relay driving the solenoid. */
export const REFERENCE_GPIO_WIRING: GpioTwinWiring = {
  cancelButton: { pin: 27 },
  drawerSwitch: { pin: 22 },
  drawerSolenoid: { pin: 17 },
};

/** The GPIO twin wired as the reference counter is (options may rewire it). */
export function counterGpioTwin(options: GpioTwinOptions = {}): GpioTwin {
  return new GpioTwin({ wiring: REFERENCE_GPIO_WIRING, ...options });
}

/** The line speeds the serial twins run at unless told otherwise (the common factory settings). */
export const DEFAULT_BAUD = { printer: 19200, scanner: 9600, nfc: 115200 } as const;
