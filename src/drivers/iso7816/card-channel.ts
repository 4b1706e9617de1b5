/**
 * A way to send one command APDU to a card and get its response APDU (data then SW1 SW2), as
 * bytes. Implemented over PN532 InDataExchange (drivers/nfc) and by test doubles.
 */
export interface CardChannel {
  transmit(commandApdu: Uint8Array): Promise<Uint8Array>;
}
