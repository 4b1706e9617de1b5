export { CHIP_STATUS, chipStatusName, describeChipStatus, isTargetLostStatus, type ChipStatusName } from './chip-status.js';
export { CommandRunner, type RunOptions, type RunnerStats } from './command-runner.js';
export * from './commands.js';
export { Pn532Error, type Pn532ErrorCode } from './errors.js';
export * from './frame.js';
export { Pn532FrameParser, type FrameParserStats, type FrameRejectReason, type ParsedFrame } from './frame-parser.js';
export { defaultPn532Options, Pn532, type Pn532Detail, type Pn532Events, type Pn532Options, type Pn532Phase } from './pn532.js';
