import type { Pn532Behaviour } from '../behaviour.js';
import { ACTIVATION_COMMANDS } from './activation.js';
import { DEP_AND_TARGET_COMMANDS } from './dep-and-target.js';
import { EXCHANGE_COMMANDS } from './exchange.js';
import { RF_COMMANDS } from './rf.js';
import { SYSTEM_COMMANDS } from './system.js';

/**
 * The PN532 v1.6 command set (UM0701-02 §7), one behaviour per command. A code none of them
 * takes (PN533-only commands such as 0x18, 0x38, 0x48, or anything undefined) gets the syntax
 * error frame.
 */
export const PN532_COMMAND_SET: readonly Pn532Behaviour[] = [
  ...SYSTEM_COMMANDS,
  ...RF_COMMANDS,
  ...ACTIVATION_COMMANDS,
  ...EXCHANGE_COMMANDS,
  ...DEP_AND_TARGET_COMMANDS,
];

export { DiagnoseTest } from './system.js';
export { RfItem } from './rf.js';
