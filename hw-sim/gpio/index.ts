export { GpioTwin, type GpioTwinOptions, type GpioTwinWiring } from './gpio-twin.js';
export { CashDrawer, defaultCashDrawerOptions, type CashDrawerOptions } from './cash-drawer.js';
export { Contact } from './contact.js';
export { MODES, PI_LAYOUT, normalizePin, powerUpPull, type PinLayout, type Pull, type TwinPinInfo } from './pin-table.js';
export { WriteLog, type PinEvent, type Pulse } from './write-log.js';
export { gpioFaults } from './faults.js';
export type { GpioBehaviour, PinWrite } from './behaviour.js';
