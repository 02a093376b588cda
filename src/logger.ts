import winston from 'winston';

// One JSON line per event on stdout; modules log through child loggers so every line names its source.
export const rootLogger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
  defaultMeta: { service: 'beian-bot' },
  transports: [new winston.transports.Console()],
});

export function moduleLogger(module: string): winston.Logger {
  return rootLogger.child({ module });
}
