export { cardFromTarget, isType2Tag, type NfcCard } from './card.js';
export { NfcError, type NfcErrorCode } from './errors.js';
export { defaultNfcReaderOptions, NfcReader, type NfcReaderEvents, type NfcReaderDetail, type NfcReaderOptions, type RemovalReason } from './nfc-reader.js';
export { TapChannel, type TapExchanger } from './tap-channel.js';
