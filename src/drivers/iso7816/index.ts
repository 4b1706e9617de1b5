export { encodeCommandApdu, getResponse, parseResponseApdu, selectByAid, SHORT_MAX_DATA, SHORT_MAX_LE } from './apdu.js';
export type { CommandApdu, ResponseApdu } from './apdu.js';
export { ApduClient, type ApduClientOptions } from './apdu-client.js';
export type { CardChannel } from './card-channel.js';
export { ApduError, type ApduErrorCode } from './errors.js';
export { describeStatusWord, statusWordName, SW, type StatusWordName } from './status-words.js';
export { findTlv, parseTlvs, type Tlv } from './tlv.js';
