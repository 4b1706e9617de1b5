import type { Pn532Behaviour } from './behaviour.js';

/**
 * Narrows behaviours to the commands that match: `forCommands(match, pn532Faults.dropAcks(),
 * pn532Faults.delayResponses(150, 1))` loses the ACK and delays the answer of the matching
 * command only, whatever runs before it. The match is decided when the command frame arrives,
 * so hooks that act before the chip parses it (the ACK) apply to that command too.
 */
export function forCommands(match: (code: number, params: Uint8Array) => boolean, ...inner: Pn532Behaviour[]): Pn532Behaviour {
  let matched = false;
  const ask = <R>(hook: (b: Pn532Behaviour) => R | undefined): R | undefined => {
    if (!matched) return undefined;
    for (const b of inner) {
      if (b.spent) continue;
      const answer = hook(b);
      if (answer !== undefined) return answer;
    }
    return undefined;
  };
  return {
    name: `only for matching commands: ${inner.map((b) => b.name).join(', ')}`,
    get spent() {
      return inner.every((b) => b.spent);
    },
    onHostFrame(chip, frame) {
      if (frame.type === 'information' && frame.body[0] === 0xd4 && frame.body.length >= 2) matched = match(frame.body[1]!, frame.body.subarray(2));
      return ask((b) => b.onHostFrame?.(chip, frame));
    },
    onCommand: (chip, command) => ask((b) => b.onCommand?.(chip, command)),
    onChipFrame: (chip, frame) => ask((b) => b.onChipFrame?.(chip, frame)),
  };
}

/** InDataExchange carrying a command APDU with this INS (in one frame, not chained). */
export function isApduExchange(ins: number): (code: number, params: Uint8Array) => boolean {
  return (code, params) => code === 0x40 && (params[0]! & 0x40) === 0 && params.length >= 5 && params[2] === ins;
}
