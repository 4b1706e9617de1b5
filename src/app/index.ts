export { assemble, type AssembleOptions } from './assemble.js';
export { ConfigError, loadConfig, parseConfig, type LoadedConfig, type PosdConfig } from './config/config.js';
export { configJsonSchema, configJsonSchemaText, type PosdConfigFile } from './config/schema.js';
export { TerminalEventStream, type TerminalEvents } from './events.js';
export { silentLogger, type Logger } from './logger.js';
export { PosTerminal, type ReportService, type SaleService, type SettlementService, type TerminalStatus } from './terminal.js';
export { WriterLockError } from './writer-lock.js';
