/**
 * JSON-lines logger. Callers pass operational fields only; this module adds time and level.
 * The sink is injected so tests can capture every line and search it for canaries.
 */
import type { Clock, LogFields, Logger } from '../deps';

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';

const LEVEL_ORDER: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

export function createJsonLogger(options: { level: LogLevel; clock: Clock; sink?: (line: string) => void }): Logger {
  const sink = options.sink ?? ((line: string) => console.log(line));
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[options.level]) return;
    sink(JSON.stringify({ time: options.clock.now().toISOString(), level, message, ...fields }));
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
