/**
 * The PN532's register space as ReadRegister / WriteRegister reach it (UM0701-02 §7.2.4, §7.2.5):
 * 16-bit addresses; 0xFFxx are the 80C51's SFRs, everything else is XRAM, where the CIU (the
 * contactless interface, a PN512 core) sits at 0x6301..0x633F and the firmware's RAM at
 * 0x0000..0x02FF.
 *
 * The CIU values are the power-on values of the PN512-class CIU as its data sheet gives them,
 * except TxMode/RxMode, which the firmware leaves with CRC on (what libnfc assumes and
 * pn532.js re-applies); the firmware changes others while it runs, so no host should depend on
 * them. An address that holds nothing reads 0x00 and ignores writes, as the bus of the real
 * chip does not refuse them either (no error status, no syntax error).
 */

export const Reg = {
  // XRAM outside the CIU
  ControlSwitchRng: 0x6106,
  AndetControl: 0x610c,
  // CIU
  Mode: 0x6301,
  TxMode: 0x6302,
  RxMode: 0x6303,
  TxControl: 0x6304,
  TxAuto: 0x6305,
  TxSel: 0x6306,
  RxSel: 0x6307,
  RxThreshold: 0x6308,
  Demod: 0x6309,
  FelNFC1: 0x630a,
  FelNFC2: 0x630b,
  MifNFC: 0x630c,
  ManualRCV: 0x630d,
  TypeB: 0x630e,
  SerialSpeed: 0x630f,
  CRCResultMSB: 0x6311,
  CRCResultLSB: 0x6312,
  GsNOff: 0x6313,
  ModWidth: 0x6314,
  TxBitPhase: 0x6315,
  RFCfg: 0x6316,
  GsNOn: 0x6317,
  CWGsP: 0x6318,
  ModGsP: 0x6319,
  TMode: 0x631a,
  TPrescaler: 0x631b,
  TReloadHi: 0x631c,
  TReloadLo: 0x631d,
  TCounterHi: 0x631e,
  TCounterLo: 0x631f,
  TestSel1: 0x6321,
  TestSel2: 0x6322,
  TestPinEn: 0x6323,
  TestPinValue: 0x6324,
  TestBus: 0x6325,
  AutoTest: 0x6326,
  Version: 0x6327,
  AnalogTest: 0x6328,
  TestDAC1: 0x6329,
  TestDAC2: 0x632a,
  TestADC: 0x632b,
  RFT1: 0x632c,
  RFT2: 0x632d,
  RFT3: 0x632e,
  RFlevelDet: 0x632f,
  SicClkEn: 0x6330,
  Command: 0x6331,
  CommIEn: 0x6332,
  DivIEn: 0x6333,
  CommIrq: 0x6334,
  DivIrq: 0x6335,
  Error: 0x6336,
  Status1: 0x6337,
  Status2: 0x6338,
  FIFOData: 0x6339,
  FIFOLevel: 0x633a,
  WaterLevel: 0x633b,
  Control: 0x633c,
  BitFraming: 0x633d,
  Coll: 0x633e,
  // SFRs
  PCON: 0xff87,
  RWL: 0xff9a,
  TWL: 0xff9b,
  FIFOFS: 0xff9c,
  FIFOFF: 0xff9d,
  SFF: 0xff9e,
  FIT: 0xff9f,
  FITE: 0xffa1,
  FDATA: 0xffa2,
  FSIZE: 0xffa3,
  IE0: 0xffa8,
  SPIcontrol: 0xffa9,
  SPIstatus: 0xffaa,
  HSU_STA: 0xffab,
  HSU_CTR: 0xffac,
  HSU_PRE: 0xffad,
  HSU_CNT: 0xffae,
  P3: 0xffb0,
  IP0: 0xffb8,
  CIU_COMMAND: 0xffd1,
  IEN1: 0xffe8,
  P7CFGA: 0xfff4,
  P7CFGB: 0xfff5,
  P7: 0xfff7,
  IP1: 0xfff8,
  P3CFGA: 0xfffc,
  P3CFGB: 0xfffd,
} as const;

const POWER_ON: ReadonlyMap<number, number> = new Map<number, number>([
  [Reg.ControlSwitchRng, 0x00],
  [Reg.AndetControl, 0x00],
  [Reg.Mode, 0x3f],
  [Reg.TxMode, 0x80],
  [Reg.RxMode, 0x80],
  [Reg.TxControl, 0x80],
  [Reg.TxAuto, 0x00],
  [Reg.TxSel, 0x10],
  [Reg.RxSel, 0x84],
  [Reg.RxThreshold, 0x84],
  [Reg.Demod, 0x4d],
  [Reg.FelNFC1, 0x00],
  [Reg.FelNFC2, 0x00],
  [Reg.MifNFC, 0x62],
  [Reg.ManualRCV, 0x00],
  [Reg.TypeB, 0x00],
  [Reg.SerialSpeed, 0xeb],
  [Reg.CRCResultMSB, 0xff],
  [Reg.CRCResultLSB, 0xff],
  [Reg.GsNOff, 0x88],
  [Reg.ModWidth, 0x26],
  [Reg.TxBitPhase, 0x87],
  [Reg.RFCfg, 0x48],
  [Reg.GsNOn, 0x88],
  [Reg.CWGsP, 0x20],
  [Reg.ModGsP, 0x20],
  [Reg.TMode, 0x00],
  [Reg.TPrescaler, 0x00],
  [Reg.TReloadHi, 0x00],
  [Reg.TReloadLo, 0x00],
  [Reg.TCounterHi, 0x00],
  [Reg.TCounterLo, 0x00],
  [Reg.TestSel1, 0x00],
  [Reg.TestSel2, 0x00],
  [Reg.TestPinEn, 0x80],
  [Reg.TestPinValue, 0x00],
  [Reg.TestBus, 0x00],
  [Reg.AutoTest, 0x40],
  [Reg.Version, 0x80],
  [Reg.AnalogTest, 0x00],
  [Reg.TestDAC1, 0x00],
  [Reg.TestDAC2, 0x00],
  [Reg.TestADC, 0x00],
  [Reg.RFT1, 0x00],
  [Reg.RFT2, 0x00],
  [Reg.RFT3, 0x00],
  [Reg.RFlevelDet, 0x00],
  [Reg.SicClkEn, 0x00],
  [Reg.Command, 0x20],
  [Reg.CommIEn, 0x80],
  [Reg.DivIEn, 0x00],
  [Reg.CommIrq, 0x14],
  [Reg.DivIrq, 0x00],
  [Reg.Error, 0x00],
  [Reg.Status1, 0x21],
  [Reg.Status2, 0x00],
  [Reg.WaterLevel, 0x20],
  [Reg.Control, 0x00],
  [Reg.BitFraming, 0x00],
  [Reg.Coll, 0xa0],
  [Reg.PCON, 0x00],
  [Reg.RWL, 0x00],
  [Reg.TWL, 0x00],
  [Reg.FIFOFS, 0x00],
  [Reg.FIFOFF, 0x00],
  [Reg.SFF, 0x00],
  [Reg.FIT, 0x00],
  [Reg.FITE, 0x00],
  [Reg.FDATA, 0x00],
  [Reg.FSIZE, 0x00],
  [Reg.IE0, 0x00],
  [Reg.SPIcontrol, 0x00],
  [Reg.SPIstatus, 0x00],
  [Reg.HSU_STA, 0x00],
  [Reg.HSU_CTR, 0x00],
  [Reg.HSU_PRE, 0x00],
  [Reg.HSU_CNT, 0x00],
  [Reg.P3, 0xff],
  [Reg.IP0, 0x00],
  [Reg.CIU_COMMAND, 0x00],
  [Reg.IEN1, 0x00],
  [Reg.P7CFGA, 0x00],
  [Reg.P7CFGB, 0x00],
  [Reg.P7, 0xff],
  [Reg.IP1, 0x00],
  [Reg.P3CFGA, 0x00],
  [Reg.P3CFGB, 0x00],
]);

/** Read-only (status) registers: writes to them are ignored. */
const READ_ONLY = new Set<number>([Reg.Version, Reg.Status1, Reg.Error, Reg.TestBus, Reg.CRCResultMSB, Reg.CRCResultLSB, Reg.TCounterHi, Reg.TCounterLo, Reg.TestADC]);

const RAM_END = 0x02ff;
const FIFO_SIZE = 64;

export class RegisterFile {
  private readonly values = new Map<number, number>();
  private readonly ram = new Uint8Array(RAM_END + 1);
  private fifo: number[] = [];

  constructor() {
    this.reset();
  }

  reset(): void {
    this.values.clear();
    for (const [address, value] of POWER_ON) this.values.set(address, value);
    this.ram.fill(0);
    this.fifo = [];
  }

  /** Whether anything answers at this address. */
  holds(address: number): boolean {
    return address <= RAM_END || this.values.has(address) || address === Reg.FIFOData || address === Reg.FIFOLevel;
  }

  read(address: number): number {
    if (address <= RAM_END) return this.ram[address]!;
    if (address === Reg.FIFOData) return this.fifo.shift() ?? 0x00;
    if (address === Reg.FIFOLevel) return this.fifo.length;
    return this.values.get(address) ?? 0x00;
  }

  write(address: number, value: number): void {
    const byte = value & 0xff;
    if (address <= RAM_END) {
      this.ram[address] = byte;
      return;
    }
    if (address === Reg.FIFOData) {
      if (this.fifo.length < FIFO_SIZE) this.fifo.push(byte);
      return;
    }
    if (address === Reg.FIFOLevel) {
      if (byte & 0x80) this.fifo = [];
      return;
    }
    if (!this.values.has(address) || READ_ONLY.has(address)) return;
    this.values.set(address, byte);
  }

  /** Sets bits under a mask, as the firmware does to its own registers. */
  update(address: number, mask: number, value: number): void {
    if (!this.values.has(address)) return;
    this.values.set(address, (this.values.get(address)! & ~mask & 0xff) | (value & mask));
  }
}
