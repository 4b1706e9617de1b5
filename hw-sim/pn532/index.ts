export { chipFrame, CHIP_ACK, CHIP_SYNTAX_ERROR, HostFrameReader, type HostFrame } from './hsu-wire.js';
export { defaultTwinOptions, Pn532Twin, type Pn532TwinOptions, type RecordedCommand, type TwinCounters } from './pn532-twin.js';
