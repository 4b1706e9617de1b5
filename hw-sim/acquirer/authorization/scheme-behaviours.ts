import type { Reason } from '../../../src/protocol/authorization.js';

/**
 * How the simulated schemes answer a scanned payment code, chosen by the code's last two digits
 * (docs/authorization-protocol.md section 10 has the table). Anything not listed is approved.
 */
export type Behaviour =
  | 'approve'
  | 'insufficient_funds'
  | 'code_expired'
  | 'invalid_code'
  | 'risk_control'
  /** "User paying", then paid at the PAYER_CONFIRMS_AFTER-th query. */
  | 'user_paying_then_paid'
  /** "User paying", then the payer gives up at the PAYER_CONFIRMS_AFTER-th query. */
  | 'user_paying_then_gave_up'
  /** "User paying" for ever: the terminal reverses at its deadline. */
  | 'user_paying_forever'
  /** Commits (paid), answers only after the slow delay: past the terminal's timeout. */
  | 'slow'
  /** Commits (paid), then drops the connection without answering. */
  | 'lost_after_commit'
  /** Answers 503 system_error; the order is paid (a query says so). */
  | 'system_error_paid'
  /** Answers 503 system_error; the order is not paid (a query says declined). */
  | 'system_error_unpaid'
  /** Drops the connection before doing anything: a query finds no order. */
  | 'lost_before_commit';

export const BEHAVIOUR_BY_LAST_DIGITS: Readonly<Record<string, Behaviour>> = {
  '51': 'insufficient_funds',
  '52': 'code_expired',
  '53': 'invalid_code',
  '54': 'risk_control',
  '61': 'user_paying_then_paid',
  '62': 'user_paying_then_gave_up',
  '63': 'user_paying_forever',
  '71': 'slow',
  '72': 'lost_after_commit',
  '73': 'system_error_paid',
  '74': 'system_error_unpaid',
  '75': 'lost_before_commit',
};

/** Queries a "user paying" order takes before the payer decides. */
export const PAYER_CONFIRMS_AFTER = 2;

export function behaviourOf(code: string): Behaviour {
  return BEHAVIOUR_BY_LAST_DIGITS[code.slice(-2)] ?? 'approve';
}

export type DeclineReason = 'insufficient_funds' | 'code_expired' | 'invalid_code' | 'risk_control' | 'payer_canceled' | 'code_used' | 'system_error';

/** Reason codes and words in the style of each scheme (simulated: not the schemes' real tables). */
const SCHEME_WORDS: Readonly<Record<string, Readonly<Record<DeclineReason, [string, string]>>>> = {
  wechat: {
    insufficient_funds: ['NOTENOUGH', '余额不足 Insufficient balance'],
    code_expired: ['AUTHCODEEXPIRE', '付款码已过期，请刷新后重试 The payment code expired: refresh it'],
    invalid_code: ['AUTH_CODE_INVALID', '付款码无效 Invalid payment code'],
    risk_control: ['RISK_CONTROL', '交易存在风险，已拦截 Stopped by risk control'],
    payer_canceled: ['USERPAYING_CANCELED', '用户取消支付 The payer cancelled'],
    code_used: ['AUTHCODE_USED', '付款码已使用 The payment code was used before'],
    system_error: ['SYSTEMERROR', '系统错误，未扣款 System error: not charged'],
  },
  alipay: {
    insufficient_funds: ['ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足 Insufficient balance'],
    code_expired: ['ACQ.PAYMENT_AUTH_CODE_EXPIRED', '付款码已过期 The payment code expired'],
    invalid_code: ['ACQ.PAYMENT_AUTH_CODE_INVALID', '付款码无效 Invalid payment code'],
    risk_control: ['ACQ.RISK_CONTROL', '风控拦截 Stopped by risk control'],
    payer_canceled: ['ACQ.TRADE_CANCELED_BY_BUYER', '买家取消 The payer cancelled'],
    code_used: ['ACQ.PAYMENT_AUTH_CODE_USED', '付款码已使用 The payment code was used before'],
    system_error: ['ACQ.SYSTEM_ERROR', '系统异常，未扣款 System error: not charged'],
  },
};

const GENERIC: Readonly<Record<DeclineReason, string>> = {
  insufficient_funds: 'Insufficient funds',
  code_expired: 'The payment code expired',
  invalid_code: 'Invalid payment code',
  risk_control: 'Stopped by risk control',
  payer_canceled: 'The payer cancelled',
  code_used: 'The payment code was used before',
  system_error: 'System error: not charged',
};

/** A decline as the scheme words it. */
export function schemeReason(scheme: string, reason: DeclineReason): Reason {
  const words = SCHEME_WORDS[scheme]?.[reason];
  return words ? { code: reason, schemeCode: words[0], message: words[1] } : { code: reason, schemeCode: reason.toUpperCase(), message: GENERIC[reason] };
}
