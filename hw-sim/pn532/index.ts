export { chipFrame, CHIP_ACK, CHIP_SYNTAX_ERROR, HostFrameReader, type HostFrame } from './hsu-wire.js';
export { commandHandler, type ChipFrame, type ChipFrameKind, type Pn532Behaviour, type Pn532Command } from './behaviour.js';
export { ChipState, Param, Status, WakeUp, SERIAL_BAUD_RATES, DEFAULT_ANALOG, type ListedTarget, type RfSettings } from './chip-state.js';
export { DiagnoseTest, PN532_COMMAND_SET, RfItem } from './commands/index.js';
export { pn532Faults } from './faults.js';
export { Reg, RegisterFile } from './registers.js';
export { defaultTwinOptions, Pn532Twin, type Pn532TwinOptions, type RecordedCommand, type ReplyOptions, type TwinCounters } from './pn532-twin.js';
export { forCommands, isApduExchange } from './command-filter.js';
