/** Every string of the counter screen, in Chinese and English. `{name}` marks a value put in. */
export type Lang = 'zh' | 'en';

const MESSAGES = {
  appTitle: ['收银台', 'Counter'],
  language: ['English', '中文'],
  menu: ['菜单', 'Menu'],
  back: ['返回', 'Back'],
  close: ['关闭', 'Close'],
  done: ['完成', 'Done'],
  clear: ['清空', 'Clear'],
  newSale: ['新交易', 'New sale'],
  loading: ['正在连接终端…', 'Connecting to the terminal…'],

  notConnectedTitle: ['此屏幕尚未连接终端', 'This screen is not connected to the terminal'],
  notConnectedHow: ['请在终端本机上打开收银屏幕：地址为 http://127.0.0.1:8737/#ticket=<票据>，票据是终端数据目录中 api/counter-ticket 文件的内容（默认 /var/lib/posd/api/counter-ticket）。', 'Open the counter screen on the terminal itself: the address is http://127.0.0.1:8737/#ticket=<ticket>, where the ticket is the text of api/counter-ticket in the data directory (by default /var/lib/posd/api/counter-ticket).'],
  notConnectedKiosk: ['触摸屏服务（posd-kiosk）会自动这样打开。请联系技术人员。', 'The kiosk service (posd-kiosk) opens it this way by itself. Ask the technician.'],
  retry: ['重试', 'Try again'],

  scanHint: ['扫描商品条码，或在右侧输入金额', 'Scan products, or key in an amount on the right'],
  basket: ['购物篮', 'Basket'],
  items: ['{n} 件', '{n} items'],
  total: ['合计', 'Total'],
  amount: ['金额', 'Amount'],
  collect: ['收款 {amount}', 'Collect {amount}'],
  keypadLocked: ['购物篮有商品时按合计收款', 'With a basket, the total is charged'],

  chooseMethod: ['选择收款方式', 'How does the customer pay?'],
  methodCash: ['现金', 'Cash'],
  methodCode: ['扫付款码', 'Scan customer code'],
  methodQr: ['出示收款码', 'Show shop QR'],
  methodTap: ['碰一碰钱包', 'Wallet tap'],
  methodOfflineQr: ['离线二维码', 'Offline QR'],
  methodAny: ['顾客扫码或碰一碰', 'Customer scans or taps'],
  methodUnavailable: ['未开通', 'not set up'],

  cashTitle: ['现金收款', 'Cash payment'],
  tendered: ['实收', 'Tendered'],
  change: ['找零', 'Change'],
  exact: ['正好', 'Exact'],
  takeCash: ['确认收现金', 'Take the cash'],
  tooLittle: ['实收金额不足', 'Less than the amount due'],

  promptScan: ['请扫描顾客的付款码', "Scan the customer's payment code"],
  promptQr: ['请顾客扫描此二维码付款', 'The customer scans this QR to pay'],
  promptTap: ['请顾客将钱包靠近读卡区', 'The customer taps the wallet on the reader'],
  promptOfflineQr: ['请扫描顾客的离线付款二维码', "Scan the customer's offline payment QR"],
  promptPresent: ['请顾客出示付款码或碰一碰', 'The customer shows a payment code or taps a wallet'],
  promptCash: ['等待现金', 'Waiting for cash'],
  qrExpires: ['{s} 秒内有效', 'Valid for {s} s'],
  timeLeft: ['剩余 {s} 秒', '{s} s left'],
  cancel: ['取消收款', 'Cancel payment'],
  cancelAsked: ['已请求取消，等待结果…', 'Cancel requested: waiting for the outcome…'],
  cancelTooLate: ['无法取消：支付已在授权或已成功。如需退还，请退款。', 'Too late to cancel: the payment is being authorised or has succeeded. Refund it instead.'],

  state_created: ['正在创建', 'Starting'],
  state_waiting_for_customer: ['等待顾客付款', 'Waiting for the customer'],
  state_authorizing: ['正在授权…', 'Authorising…'],
  state_user_paying: ['顾客正在手机上确认…', 'The customer is confirming on the phone…'],
  state_cancel_requested: ['正在取消…', 'Cancelling…'],
  state_reversing: ['正在冲正…', 'Reversing…'],
  state_succeeded: ['收款成功', 'Approved'],
  state_declined: ['支付失败', 'Declined'],
  state_canceled: ['已取消', 'Canceled'],
  state_expired: ['已超时', 'Expired'],
  state_reversed: ['已冲正，未扣款', 'Reversed: not charged'],
  state_needs_attention: ['需人工核实', 'Needs attention'],
  needsAttention: ['结果未知：请与收单机构核实，切勿重复收款。', 'Outcome unknown: check with the acquirer; do not charge again.'],
  reason: ['原因', 'Reason'],
  offlineApproved: ['离线批准，稍后结算', 'Approved offline: settled later'],
  receiptNo: ['票据号 {seq}', 'Receipt {seq}'],
  tryAgain: ['换种方式再试', 'Try another way'],

  reprint: ['重打小票', 'Reprint'],
  reprintLast: ['重打上一张', 'Reprint last'],
  reprinted: ['小票已打印', 'Receipt printed'],
  reprintWaiting: ['打印机暂不可用，恢复后继续打印', 'The printer is waiting (paper, cover): it prints once it can'],
  noReceipt: ['还没有可重打的小票', 'No receipt to reprint yet'],
  refund: ['退款', 'Refund'],
  refundPick: ['选择要退款的交易', 'Pick the payment to refund'],
  refundAmount: ['退款金额', 'Refund amount'],
  refundDo: ['退款 {amount}', 'Refund {amount}'],
  refundNone: ['没有可退款的交易', 'No payments to refund'],
  refund_succeeded: ['退款成功', 'Refunded'],
  refund_refused: ['退款被拒绝', 'Refund refused'],
  refund_pending: ['退款待处理：收单机构暂时无法连接，请稍后重试', 'Refund pending: the acquirer could not be reached; try again later'],
  xReport: ['X 报表', 'X report'],
  zReport: ['Z 报表（日结）', 'Z report (close day)'],
  zConfirm: ['确认日结？日结不可撤销：今天的交易将被封账并开始结算。', 'Close the day? This cannot be undone: the day is sealed and settled.'],
  zDo: ['确认日结', 'Close the day'],
  reportTitleX: ['X 报表（未日结）', 'X report (day still open)'],
  reportTitleZ: ['Z 报表 第 {z} 号 · {day}', 'Z report no. {z} · {day}'],
  reportRecords: ['交易笔数 {n}', '{n} records'],
  reportEmpty: ['本期没有交易', 'No transactions in this period'],
  pairRegister: ['配对收银机', 'Pair a register'],
  openDrawer: ['打开钱箱', 'Open drawer'],
  drawerOpened: ['钱箱已打开', 'Drawer opened'],

  kind_payment: ['收款', 'Payments'],
  kind_refund: ['退款', 'Refunds'],
  kind_void: ['撤销', 'Voids'],
  kind_reversal: ['冲正', 'Reversals'],
  tender_cash: ['现金', 'Cash'],
  tender_code: ['付款码', 'Payment code'],
  tender_merchant_qr: ['收款码', 'Shop QR'],
  tender_wallet_tap: ['碰一碰', 'Wallet tap'],
  tender_offline_qr: ['离线二维码', 'Offline QR'],

  offlineBadge: ['离线未结算 {n} 笔 · {age}', '{n} offline unsettled · {age}'],
  acquirerOffline: ['收单离线', 'Acquirer offline'],
  ageMinutes: ['{m} 分钟前', '{m} min ago'],
  ageHours: ['{h} 小时前', '{h} h ago'],
  ageJustNow: ['刚刚', 'just now'],
  devicesOk: ['设备正常', 'Devices OK'],
  device_printer: ['打印机', 'Printer'],
  device_scanner: ['扫码枪', 'Scanner'],
  device_nfc: ['读卡器', 'NFC reader'],
  device_gpio: ['钱箱/指示灯', 'Drawer & lights'],
  devState_ready: ['正常', 'ready'],
  devState_connecting: ['连接中', 'connecting'],
  devState_degraded: ['异常', 'degraded'],
  devState_failed: ['故障', 'failed'],
  devState_stopped: ['已停止', 'stopped'],
  outOfService: ['终端暂停收款：日志校验失败，请联系技术人员', 'Out of service: the journal failed its check. Call the technician.'],

  unprovisionedTitle: ['终端尚未开通', 'This terminal is not provisioned yet'],
  unprovisionedNoPay: ['开通前不能收款。', 'It takes no payments until it is.'],
  enrolCode: ['开通配对码', 'Enrolment pairing code'],
  fingerprint: ['密钥指纹', 'Key fingerprint'],
  terminalId: ['终端号', 'Terminal'],
  enrolHow: ['请收单机构核对此配对码与指纹后开通本终端。', 'The acquirer checks this code and fingerprint, then enrols the terminal.'],
  registerCode: ['收银机配对码', 'Register pairing code'],
  registerCodeHow: ['在收银机软件中输入此配对码（剩余 {left}）', 'Type this code into the register software ({left} left)'],

  refused: ['扫码未受理', 'Scan not taken'],
  errorTitle: ['操作未完成', 'Not done'],
  connectionLost: ['与终端的连接中断，正在重连…', 'Connection to the terminal lost: reconnecting…'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof MESSAGES;

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(MESSAGES, key);
}

export function t(lang: Lang, key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = MESSAGES[key][lang === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** For the tests: every key, both languages. */
export const ALL_MESSAGES: Readonly<Record<string, readonly [string, string]>> = MESSAGES;
