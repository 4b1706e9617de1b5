import type { CardChannel } from '../iso7816/card-channel.js';
import type { NfcCard } from './card.js';

export interface TapExchanger {
  exchange(card: NfcCard, data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The CardChannel of one tap: APDUs go to the card through PN532 InDataExchange. Once that card
 * has left, every transmit fails with NfcError('no_card'), even if another card is now in the
 * field, so a wallet session can never continue on a different card by accident.
 */
export class TapChannel implements CardChannel {
  constructor(
    private readonly exchanger: TapExchanger,
    readonly card: NfcCard,
  ) {}

  transmit(commandApdu: Uint8Array): Promise<Uint8Array> {
    return this.exchanger.exchange(this.card, commandApdu);
  }
}
