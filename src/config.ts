import path from 'node:path';
import { z } from 'zod';

// Read once from the environment; every key is documented in .env.example.
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  INTENTS_DIR: z.string().default(path.resolve(__dirname, '..', 'intents')),
  // Below this top-1 confidence, or with the top two closer than the margin, the reply is fallback.
  NLU_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.35),
  NLU_MARGIN: z.coerce.number().min(0).max(1).default(0.03),
  STATE_TTL_S: z.coerce.number().int().positive().default(7 * 24 * 3600),
  BODY_LIMIT: z.string().default('64kb'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}
