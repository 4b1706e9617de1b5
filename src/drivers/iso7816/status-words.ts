/**
 * ISO/IEC 7816-4 status words (SW1 SW2) a terminal meets. `XX` entries match any SW2.
 */
export const SW = {
  ok: 0x9000,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  authenticationBlocked: 0x6983,
  conditionsNotSatisfied: 0x6985,
  incorrectData: 0x6a80,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  notEnoughMemory: 0x6a84,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
  wrongP1P2: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  noPreciseDiagnosis: 0x6f00,
} as const;

export type StatusWordName =
  | 'ok'
  | 'bytes_available'
  | 'wrong_le'
  | 'warning_state_unchanged'
  | 'warning_state_changed'
  | 'execution_error_state_unchanged'
  | 'execution_error_state_changed'
  | 'wrong_length'
  | 'cla_function_not_supported'
  | 'command_not_allowed'
  | 'security_not_satisfied'
  | 'authentication_blocked'
  | 'conditions_not_satisfied'
  | 'incorrect_data'
  | 'function_not_supported'
  | 'file_not_found'
  | 'record_not_found'
  | 'not_enough_memory'
  | 'incorrect_p1p2'
  | 'referenced_data_not_found'
  | 'wrong_parameters'
  | 'wrong_p1p2'
  | 'ins_not_supported'
  | 'cla_not_supported'
  | 'no_precise_diagnosis'
  | 'unknown';

const EXACT: Record<number, [StatusWordName, string]> = {
  0x9000: ['ok', 'normal processing'],
  0x6700: ['wrong_length', 'wrong length (Lc or Le)'],
  0x6982: ['security_not_satisfied', 'security status not satisfied'],
  0x6983: ['authentication_blocked', 'authentication method blocked'],
  0x6985: ['conditions_not_satisfied', 'conditions of use not satisfied'],
  0x6a80: ['incorrect_data', 'incorrect parameters in the command data field'],
  0x6a81: ['function_not_supported', 'function not supported'],
  0x6a82: ['file_not_found', 'file or application not found'],
  0x6a83: ['record_not_found', 'record not found'],
  0x6a84: ['not_enough_memory', 'not enough memory space in the file'],
  0x6a86: ['incorrect_p1p2', 'incorrect parameters P1-P2'],
  0x6a88: ['referenced_data_not_found', 'referenced data or reference data not found'],
  0x6b00: ['wrong_p1p2', 'wrong parameters P1-P2'],
  0x6d00: ['ins_not_supported', 'instruction code not supported or invalid'],
  0x6e00: ['cla_not_supported', 'class not supported'],
  0x6f00: ['no_precise_diagnosis', 'no precise diagnosis'],
};

const BY_SW1: Record<number, [StatusWordName, string]> = {
  0x61: ['bytes_available', 'SW2 more response bytes available (GET RESPONSE)'],
  0x6c: ['wrong_le', 'wrong Le; SW2 is the exact length'],
  0x62: ['warning_state_unchanged', 'warning, non-volatile memory unchanged'],
  0x63: ['warning_state_changed', 'warning, non-volatile memory changed'],
  0x64: ['execution_error_state_unchanged', 'execution error, non-volatile memory unchanged'],
  0x65: ['execution_error_state_changed', 'execution error, non-volatile memory changed'],
  0x68: ['cla_function_not_supported', 'functions in CLA not supported'],
  0x69: ['command_not_allowed', 'command not allowed'],
  0x6a: ['wrong_parameters', 'wrong parameters P1-P2'],
};

export function describeStatusWord(sw: number): { name: StatusWordName; meaning: string } {
  const exact = EXACT[sw];
  if (exact) return { name: exact[0], meaning: exact[1] };
  const family = BY_SW1[sw >> 8];
  if (family) return { name: family[0], meaning: family[1] };
  return { name: 'unknown', meaning: 'not a status word this terminal knows' };
}

export function statusWordName(sw: number): StatusWordName {
  return describeStatusWord(sw).name;
}
