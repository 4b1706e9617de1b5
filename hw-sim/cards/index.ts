export { CardSw, readCardCommand, responseBytes, tlv, type CardCommand, type CardResponse } from './card-apdu.js';
export { IsoDepCard, type ApduLogEntry, type CardApplet, type IsoDepCardOptions } from './iso-dep-card.js';
export { NtagTag } from './ntag-tag.js';
export type { EmulatedTarget, TypeAIdentity } from './target.js';
export * from './wallet-applet.js';
export { cardFaults } from './faults.js';
export type { CardBehaviour } from './behaviour.js';
