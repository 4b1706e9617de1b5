import { CodedError } from '../errors/coded-error.js';
import type { CounterGpio } from '../drivers/gpio/index.js';
import type { EscPosPrinter } from '../drivers/printer/index.js';
import type { Logger } from './logger.js';

export class DrawerError extends CodedError<'no_drawer'> {
  override readonly name = 'DrawerError';
}

export interface DrawerService {
  /**
   * Opens the cash drawer (a "no sale"): the GPIO relay, else the printer's kick-out connector.
   * Resolves once pulsed; `coalesced` when the relay was already kicking (or recovering from a kick just now).
   */
  open(reason?: string): Promise<'pulsed' | 'coalesced'>;
}

/** The drawer as the faces see it: whichever of the GPIO relay and the printer's connector this terminal has. */
export function drawerService(parts: { gpio?: CounterGpio; printer?: EscPosPrinter; log: Logger }): DrawerService {
  return {
    async open(reason) {
      const { gpio, printer } = parts;
      let outcome: 'pulsed' | 'coalesced' = 'pulsed';
      if (gpio?.features.drawerRelay) outcome = await gpio.kickDrawer();
      else if (printer?.profile.drawer) await printer.print({ blocks: [{ kind: 'drawer' }] }).done;
      else throw new DrawerError('no_drawer', 'this terminal has no cash drawer (no GPIO drawer relay, no printer with a drawer connector)');
      parts.log.info({ reason: reason ?? null, by: gpio?.features.drawerRelay ? 'gpio' : 'printer', outcome }, 'cash drawer opened');
      return outcome;
    },
  };
}
