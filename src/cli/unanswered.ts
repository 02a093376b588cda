import './quiet';
import '../load-env';
import { createBackends } from '../bot';
import { loadConfig } from '../config';

// npm run unanswered [N]: the most frequent questions the bot could not answer with confidence
// (masked), from Redis when REDIS_URL is set, else from UNANSWERED_LOG.
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 30);
  const config = loadConfig();
  const backends = createBackends(config);
  try {
    const top = await backends.unanswered.top(n);
    if (!top.length) {
      process.stdout.write(`no unanswered questions recorded (${config.REDIS_URL ? 'Redis' : config.UNANSWERED_LOG})\n`);
      return;
    }
    process.stdout.write(`count  lang     last intent        last seen             question\n`);
    for (const s of top) {
      process.stdout.write(
        `${String(s.count).padStart(5)}  ${s.lang.padEnd(7)}  ${s.lastIntent.padEnd(18)} ${s.lastSeen.slice(0, 19).padEnd(20)}  ${s.text}\n`,
      );
    }
  } finally {
    await backends.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
