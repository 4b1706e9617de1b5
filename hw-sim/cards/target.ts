/** What an ISO/IEC 14443 type A target shows the reader during anticollision, select and RATS. */
export interface TypeAIdentity {
  uid: Uint8Array;
  /** SENS_RES as the PN532 reports it (e.g. 00 44). */
  atqa: Uint8Array;
  sak: number;
  /** ATS including TL, for ISO-DEP targets (SAK bit 0x20). */
  ats?: Uint8Array;
}

/** A card or phone the PN532 twin can find in its field. */
export interface EmulatedTarget {
  readonly label: string;
  /** Anticollision, select (and RATS): a fresh session. A phone may show a new random UID each time. */
  activate(): TypeAIdentity;
  /** DESELECT, release or field off: the session state is dropped. */
  deactivate(): void;
  /**
   * One exchange (an APDU for ISO-DEP cards, a tag command otherwise). undefined: the card does
   * not answer at all (the chip then reports a timeout).
   */
  exchange(command: Uint8Array): Uint8Array | undefined;
}
