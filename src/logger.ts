import winston from 'winston';
import { maskDeep } from './privacy/mask';

// Every string a log line carries is masked, at every level: phone, ID and code digits never reach
// the log even when a module logs something it shouldn't.
const maskPersonalData = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = maskDeep(info[key]);
  return info;
});

// One JSON line per event on stdout; modules log through child loggers so every line names its source.
export const rootLogger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.errors({ stack: true }), maskPersonalData(), winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'beian-bot' },
  transports: [new winston.transports.Console()],
});

export function moduleLogger(module: string): winston.Logger {
  return rootLogger.child({ module });
}
