import { CodedError } from '../../errors/coded-error.js';
export type GpioErrorCode =
  /** The pin map or timing config is malformed (unknown key, bad pin, duplicate pin, out-of-range time). */
  | 'bad_config'
  /** The IO plugin URI is malformed or names an unknown plugin. */
  | 'bad_uri'
  /** The npm package of a real IO plugin is not installed on this machine. */
  | 'plugin_missing'
  /** The IO plugin package loaded but could not be constructed (not a Pi, no pigpio, no permission). */
  | 'plugin_failed'
  /** The IO plugin does not offer the mode a mapped pin needs (OUTPUT or INPUT). */
  | 'pin_unsupported'
  /** The operation needs a line the pin map does not define (e.g. pulsing a drawer with no relay). */
  | 'not_configured'
  /** The device is not ready (still connecting, or failed). */
  | 'not_ready'
  /** The device was stopped. */
  | 'closed'
  /** The IO plugin did not become ready in time. */
  | 'open_timeout'
  /** The IO plugin reported an error, closed, disconnected, or a pin call threw. */
  | 'io_failed'
  /** A buzzer pattern is malformed. */
  | 'bad_pattern'
  /** An argument is out of range (pulse length, light name). */
  | 'bad_argument'
  /** An operation was cut short by stop() or an IO failure (the relay was released first). */
  | 'interrupted';

export class GpioError extends CodedError<GpioErrorCode> {
  override readonly name = 'GpioError';
}
