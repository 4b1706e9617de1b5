import { IsoDepCard, NtagTag, WalletApplet, type EmulatedTarget } from '../cards/index.js';
import { Pn532Twin } from '../pn532/index.js';
import { EscPosPrinterTwin } from '../printer/printer-twin.js';
import { ScannerTwin } from '../scanner/scanner-twin.js';

/** The serial twins a simulated counter has, with the cards a customer might tap. */
export interface SerialTwins {
  printer: EscPosPrinterTwin;
  scanner: ScannerTwin;
  nfc: Pn532Twin;
  cards: { wallet: EmulatedTarget; tag: EmulatedTarget };
  wallet: WalletApplet;
}

export function makeSerialTwins(): SerialTwins {
  const wallet = new WalletApplet();
  return {
    printer: new EscPosPrinterTwin({ dotsPerLine: 384, chineseFirmware: true }),
    scanner: new ScannerTwin('serial'),
    nfc: new Pn532Twin(),
    cards: { wallet: new IsoDepCard([wallet], { label: 'hardware wallet' }), tag: new NtagTag() },
    wallet,
  };
}
