import { Pn532Twin, type Pn532TwinOptions } from '../../../hw-sim/pn532/pn532-twin.js';

// Frames are written by hand here, not with any encoder of posd's (driver or twin).
export const h = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');

export const WAKE = '55 55 00 00 00 00 00 00 00 00 00 00 00 00 00 00';
export const ACK = '00 00 FF 00 FF 00';
export const NACK = '00 00 FF FF 00 00';
export const ERROR = '00 00 FF 01 FF 7F 81 00';

/** A host frame around a packet (command code and parameters): TFI D4, normal or extended. */
export function frame(packet: string | Uint8Array): string {
  const body = [0xd4, ...(typeof packet === 'string' ? h(packet) : packet)];
  const n = body.length;
  const head = n > 255 ? [0x00, 0x00, 0xff, 0xff, 0xff, n >> 8, n & 0xff, (0x100 - ((n >> 8) + (n & 0xff))) & 0xff] : [0x00, 0x00, 0xff, n, (0x100 - n) & 0xff];
  const dcs = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return hex(Uint8Array.from([...head, ...body, dcs, 0x00]));
}

/** A twin with a host end that records every byte it sends. */
export function chipOnWire(options: Partial<Pn532TwinOptions> = {}) {
  const twin = new Pn532Twin(options);
  const chunks: Uint8Array[] = [];
  twin.attachHost((bytes) => chunks.push(Uint8Array.from(bytes)));
  const w = {
    twin,
    send: (text: string): void => twin.receiveFromHost(h(text)),
    /** Everything the twin sent since the last call. */
    take: (): string => {
      const out = hex(Uint8Array.from(Buffer.concat(chunks)));
      chunks.length = 0;
      return out;
    },
    /** Sends a command packet in a frame and returns everything the chip answered at once. */
    command: (packet: string): string => {
      w.send(frame(packet));
      return w.take();
    },
    /** Wake and configure (the libnfc way: 2-byte SAMConfiguration), and forget the answers. */
    awake: () => {
      w.send(`${WAKE} ${frame('14 01')}`);
      w.take();
      return w;
    },
  };
  return w;
}
