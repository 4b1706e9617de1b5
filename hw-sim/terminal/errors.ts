import { CodedError } from '../../src/errors/coded-error.js';

export type SimulatedTerminalErrorCode = 'bad_option' | 'no_such_twin' | 'not_pluggable';

export class SimulatedTerminalError extends CodedError<SimulatedTerminalErrorCode> {
  override readonly name = 'SimulatedTerminalError';
}
