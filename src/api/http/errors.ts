import { CodedError } from '../../errors/coded-error.js';
import { dispositionOf, dispositionOfCode, type Disposition, type KnownErrorCode } from '../../errors/error-table.js';

export type ApiErrorCode =
  /** The request does not follow the schema: the message names the field. */
  | 'invalid_request'
  /** POST /v1/payments without an Idempotency-Key header or idempotencyKey member. */
  | 'missing_idempotency_key'
  /** The body is not JSON, or JSON posd refuses (a __proto__ member, too deep, a lone surrogate). */
  | 'bad_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'route_not_found'
  /** As the payment engine's: a payment is in progress. */
  | 'busy'
  /** As the payment engine's: no payment with that id or key (for a key: retrying with it is safe). */
  | 'payment_not_found'
  /** Nothing with that key (a refund or void). */
  | 'not_found'
  | 'token_not_found'
  /** No bearer token, or one posd does not know (revoked). */
  | 'unauthorized'
  /** The token's scope may not use this route. */
  | 'forbidden'
  /** The Host header names no address or name of this terminal (DNS rebinding). */
  | 'bad_host'
  /** This route answers on the terminal itself (loopback) only. */
  | 'not_loopback'
  | 'bad_counter_ticket'
  | 'bad_technician_pin'
  /** Too many wrong PINs: locked until retryAt. */
  | 'too_many_attempts'
  /** The event cursor is older than the replay window. */
  | 'cursor_expired'
  | 'not_implemented'
  | 'too_many_connections'
  | 'no_printer'
  /** The payment is not waiting for what was asked (its merchant QR, when it shows none). */
  | 'not_waiting'
  /** PUT /v1/profile on a terminal without provisioning configured (no acquirer root key to verify with). */
  | 'not_configured';

/** Every API code is in the error table (src/errors/error-table.ts): the build stops naming one that is not. */
type MissingFromTheTable = Exclude<ApiErrorCode, KnownErrorCode>;
export const EVERY_API_CODE_IS_IN_THE_TABLE: [MissingFromTheTable] extends [never] ? true : MissingFromTheTable = true;

export class ApiError extends CodedError<ApiErrorCode> {
  override readonly name = 'ApiError';
  constructor(
    code: ApiErrorCode,
    message: string,
    readonly extra: { field?: string; retryAt?: number } = {},
  ) {
    super(code, message);
  }
}

/**
 * A document someone carried to the terminal (a signed profile) that does not hold: refused
 * (422) under the code of the check that failed, whatever that code means for the terminal's own
 * data (a foreign signature on the journal would be an integrity failure; on a pushed profile it
 * is only a profile this terminal will not take).
 */
export class RefusedDocument extends CodedError<KnownErrorCode> {
  override readonly name = 'RefusedDocument';
}

/** The one error answer of the API. */
export interface ErrorAnswer {
  error: {
    code: string;
    message: { en: string; zh: string };
    retryable: boolean;
    /** For invalid_request: the member at fault, as a path (`items[2].quantity`). */
    field?: string;
    /** For busy: the payment in progress. */
    paymentId?: string;
    /** For pairing_locked and other refusals with an end: when to try again (epoch ms). */
    retryAt?: number;
  };
}

/** Chinese for each code a client can meet; the English message is the error's own, which names the particulars. */
const ZH: Readonly<Record<string, string>> = {
  invalid_request: '请求格式有误',
  missing_idempotency_key: '缺少幂等键（Idempotency-Key）',
  bad_json: '请求内容不是有效的 JSON',
  body_too_large: '请求内容过大',
  unsupported_media_type: '仅接受 application/json',
  route_not_found: '没有这个接口',
  token_not_found: '没有这个令牌',
  unauthorized: '未授权：请先配对收银机',
  forbidden: '此令牌无权执行该操作',
  not_loopback: '该操作只能在终端本机进行',
  bad_host: '请使用终端的 IP 地址访问',
  bad_counter_ticket: '柜台凭证无效',
  bad_technician_pin: '维护密码错误',
  not_configured: '尚未配置',
  too_many_attempts: '错误次数过多，请稍后再试',
  cursor_expired: '事件游标已过期，请重新读取状态',
  not_implemented: '此功能尚未提供',
  too_many_connections: '连接过多，请稍后重试',
  no_printer: '终端没有打印机',
  no_drawer: '终端没有钱箱',
  bad_pairing_code: '配对码错误',
  no_pairing_code: '当前没有配对码：请先申请',
  pairing_locked: '配对码错误次数过多，配对已暂时锁定',
  busy: '终端正在处理另一笔支付',
  idempotency_conflict: '该幂等键已用于另一笔不同的请求',
  payment_not_found: '查无此交易',
  too_late: '交易已在授权中，无法撤销',
  bad_payment_request: '支付请求有误',
  method_unavailable: '该支付方式当前不可用',
  not_provisioned: '终端尚未开通，暂不能收款',
  terminal_out_of_service: '终端暂停服务，请联系维护人员',
  offline_limit: '超出离线交易限额',
  code_used: '付款码已使用过，请刷新付款码',
  insufficient_cash: '现金不足',
  not_waiting: '当前没有等待该操作的交易',
  empty_sale: '购物篮为空',
  bad_return_request: '退款请求有误',
  exceeds_payment: '退款金额超过该笔交易的剩余金额',
  already_returned: '该交易已部分或全部退款，不能撤销',
  not_voidable: '该交易不能撤销（已结算或为离线支付），请改为退款',
  not_refundable: '该交易暂不能退款（离线支付需先结算）',
  acquirer_unavailable: '暂时无法连接收单机构，请用同一幂等键重试',
  no_receipt: '该记录没有小票',
  bad_day: '营业日期无效',
  day_closed: '该营业日已日结（Z 报表已出）',
  malformed: '文件格式有误',
  wrong_key: '签名密钥不是收单机构的密钥',
  bad_signature: '签名无效',
  wrong_terminal: '该配置文件属于另一台终端',
  rollback: '该配置文件比终端当前的旧',
  expired: '已过期',
  bad_endorsement: '配置文件中的密钥背书无效',
};

const ZH_BY_KIND: Readonly<Record<Disposition['kind'], string>> = {
  bad_input: '请求有误',
  refused: '请求被拒绝',
  not_found: '未找到',
  conflict: '与已有操作冲突',
  busy: '终端忙，请稍后重试',
  unavailable: '暂时不可用，请稍后重试',
  integrity: '终端数据校验失败，请联系维护人员',
  storage: '终端存储故障',
  internal: '终端内部错误',
  unauthenticated: '未授权',
  forbidden: '无权执行该操作',
  throttled: '尝试次数过多，请稍后再试',
  gone: '数据已不再保留',
  not_implemented: '此功能尚未提供',
};

/** An error as the API answers it: HTTP status and body. Anything posd does not know is an internal fault, its words not shown. */
export function errorAnswer(err: unknown, context: { activePaymentId?: () => string | undefined } = {}): { status: number; body: ErrorAnswer } {
  const disposition = err instanceof RefusedDocument ? dispositionOfCode('rejected') : dispositionOf(err);
  if (disposition.kind === 'internal' || !(err instanceof CodedError)) {
    return { status: 500, body: { error: { code: 'internal', message: { en: 'internal error: the terminal logged it', zh: ZH_BY_KIND.internal }, retryable: false } } };
  }
  const code = err.code as string;
  const body: ErrorAnswer = { error: { code, message: { en: err.message, zh: ZH[code] ?? ZH_BY_KIND[disposition.kind] }, retryable: disposition.retryable } };
  if (err instanceof ApiError) {
    if (err.extra.field !== undefined) body.error.field = err.extra.field;
    if (err.extra.retryAt !== undefined) body.error.retryAt = err.extra.retryAt;
  }
  const retryAt = (err as { retryAt?: unknown }).retryAt;
  if (typeof retryAt === 'number') body.error.retryAt = retryAt;
  if (code === 'busy') {
    const id = context.activePaymentId?.();
    if (id) body.error.paymentId = id;
  }
  return { status: disposition.http, body };
}
