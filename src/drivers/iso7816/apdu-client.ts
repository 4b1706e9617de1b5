import { concatBytes } from '../../encoding/bytes.js';
import { encodeCommandApdu, getResponse, parseResponseApdu, selectByAid, type CommandApdu, type ResponseApdu } from './apdu.js';
import type { CardChannel } from './card-channel.js';
import { ApduError } from './errors.js';

export interface ApduClientOptions {
  /** GET RESPONSE rounds accepted for one command (each brings up to 256 bytes). */
  maxGetResponseRounds: number;
}

/**
 * APDUs over a CardChannel, with the two transport-level status words handled as ISO/IEC 7816-4
 * describes: 6CXX (wrong Le) re-sends the same command once with Le = XX; 61XX (more bytes
 * available) fetches the rest with GET RESPONSE (Le = XX, 00 = 256) and joins the data.
 */
export class ApduClient {
  readonly options: ApduClientOptions;

  constructor(
    readonly channel: CardChannel,
    options: Partial<ApduClientOptions> = {},
  ) {
    this.options = { maxGetResponseRounds: 32, ...options };
  }

  /** The complete response, whatever its status word. */
  async transceive(command: CommandApdu): Promise<ResponseApdu> {
    let response = parseResponseApdu(await this.channel.transmit(encodeCommandApdu(command)));
    if (response.sw1 === 0x6c) {
      response = parseResponseApdu(await this.channel.transmit(encodeCommandApdu({ ...command, le: leOf(response.sw2) })));
    }
    if (response.sw1 !== 0x61) return response;
    const parts: Uint8Array[] = [response.data];
    let rounds = 0;
    while (response.sw1 === 0x61 || (rounds > 0 && response.sw1 === 0x6c)) {
      if (++rounds > this.options.maxGetResponseRounds) {
        throw new ApduError('chaining_limit', `more than ${this.options.maxGetResponseRounds} GET RESPONSE rounds`);
      }
      response = parseResponseApdu(await this.channel.transmit(encodeCommandApdu(getResponse(leOf(response.sw2), command.cla))));
      parts.push(response.data);
    }
    return { data: concatBytes(parts), sw1: response.sw1, sw2: response.sw2, sw: response.sw };
  }

  /** The response data; any status word but 9000 is an ApduError('status') carrying it. */
  async send(command: CommandApdu, context = describe(command)): Promise<Uint8Array> {
    const response = await this.transceive(command);
    if (response.sw !== 0x9000) throw ApduError.fromStatus(response.sw, context);
    return response.data;
  }

  /** SELECT by AID; resolves with the FCI (possibly empty). 6A82 = no such application. */
  select(aid: Uint8Array): Promise<Uint8Array> {
    return this.send(selectByAid(aid), `SELECT ${Buffer.from(aid).toString('hex').toUpperCase()}`);
  }
}

function leOf(sw2: number): number {
  return sw2 === 0 ? 256 : sw2;
}

function describe(command: CommandApdu): string {
  const hex = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();
  return `APDU ${hex(command.cla)} ${hex(command.ins)} ${hex(command.p1)} ${hex(command.p2)}`;
}
