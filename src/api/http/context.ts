import type { Logger } from '../../app/logger.js';
import type { PosTerminal } from '../../app/terminal.js';
import type { Payment } from '../../payments/payment.js';
import type { CounterTicket } from './auth/counter-ticket.js';
import type { AttemptThrottle } from './auth/throttle.js';
import type { TokenStore } from './auth/token-store.js';
import type { EventLog } from './events/event-log.js';
import type { PaymentWatch } from './payment-watch.js';
import type { PaymentView } from './views.js';

/** What every route module gets: the facade and the API's own parts. */
export interface ApiContext {
  terminal: PosTerminal;
  tokens: TokenStore;
  ticket: CounterTicket;
  events: EventLog;
  watch: PaymentWatch;
  log: Logger;
  view(payment: Payment): PaymentView;
  /** The console's hook: checks the technician PIN (throws, or returns false, for a wrong one). Absent: technician pairing answers 501. */
  technicianPin: ((pin: string) => boolean) | undefined;
  technicianThrottle: AttemptThrottle;
  heartbeatMs: number;
  /** Most SSE streams open at once. */
  maxStreams: number;
}
