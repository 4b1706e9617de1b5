import { SAK_ISO_DEP, type TypeATarget } from '../pn532/commands.js';

/**
 * A card (or phone) in the field, as one tap. Never identify a wallet by `uid`: phones present a
 * new random UID (first byte 0x08) on every activation, and UIDs are trivially cloned. Identify
 * a wallet by what its application proves (see docs/wallet-apdu.md).
 */
export interface NfcCard {
  /** Increases by one for every card that enters the field; a CardChannel belongs to one tap. */
  readonly tapId: number;
  readonly uid: Uint8Array;
  readonly uidHex: string;
  /** SENS_RES (ATQA), two bytes in the order the PN532 reports them (e.g. 00 44 for NTAG). */
  readonly atqa: Uint8Array;
  /** SEL_RES (SAK). */
  readonly sak: number;
  /** ATS including its length byte, for ISO-DEP cards. */
  readonly ats: Uint8Array | undefined;
  /** ISO/IEC 14443-4: the card takes APDUs. */
  readonly isoDep: boolean;
  /** True when the UID is a random one (4 bytes starting 0x08), as phones present. */
  readonly randomUid: boolean;
  /** The PN532's logical target number. */
  readonly tg: number;
}

export function cardFromTarget(target: TypeATarget, tapId: number): NfcCard {
  const uid = target.nfcId;
  return {
    tapId,
    uid,
    uidHex: Buffer.from(uid).toString('hex'),
    atqa: target.sensRes,
    sak: target.selRes,
    ats: target.ats,
    isoDep: (target.selRes & SAK_ISO_DEP) !== 0,
    randomUid: uid.length === 4 && uid[0] === 0x08,
    tg: target.tg,
  };
}

/** MIFARE Ultralight / NTAG (type 2 tags): ATQA 00 44, SAK 00. They answer READ (30 page). */
export function isType2Tag(card: NfcCard): boolean {
  return card.sak === 0x00 && card.atqa[0] === 0x00 && card.atqa[1] === 0x44;
}
