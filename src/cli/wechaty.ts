import './quiet';
import '../load-env';
// wechaty's own logger prints retries and memory-card noise to the terminal: only real errors.
process.env.WECHATY_LOG ??= 'error';
import { ScanStatus, qrcodeValueToImageUrl, type Wechaty } from 'wechaty';
import { createHandle } from '../app';
import { createBackends, createEngine, handoffSettings } from '../bot';
import { createWechatyBot } from '../channels/wechaty/wechaty-bot';
import { WechatySupervisor } from '../channels/wechaty/wechaty-supervisor';
import { loadConfig } from '../config';
import { Metrics } from '../metrics';
import { wireReminders } from '../reminders/reminder-port';
import { wechatyContactSay } from '../reminders/senders/wechaty-sender';

// npm run wechaty: the engine on a personal WeChat account, through the puppet named in WECHATY_PUPPET.
async function main(): Promise<void> {
  const config = loadConfig();
  // The configured stores (Redis with REDIS_URL, shared with the server) and the same handle as every
  // channel: rate limits, metrics, the unanswered log.
  const metrics = new Metrics();
  const backends = createBackends(config, metrics);
  // Deadline reminders go out through whichever bot the supervisor runs now (contact.say).
  let current: Wechaty | undefined;
  const reminders = wireReminders(config, backends.store, {
    registry: metrics.registry,
    wechatySay: (contactId, text) => (current ? wechatyContactSay(current)(contactId, text) : Promise.reject(new Error('wechaty is not running'))),
  });
  const engine = createEngine(config, backends.store, metrics, backends.unanswered, { handoff: handoffSettings(config), reminders: reminders.port });
  reminders.setEngine(engine);
  const handle = createHandle({
    engine: () => engine,
    metrics,
    rateLimiter: backends.rateLimiter,
    globalRateLimiter: backends.globalRateLimiter,
    phrase: (key) => engine.bilingual(key),
  });
  const create = () => {
    const bot = createWechatyBot({
      puppet: config.WECHATY_PUPPET,
      puppetToken: config.WECHATY_PUPPET_TOKEN,
      handle: (message) => handle(message),
    });
    bot.on('scan', (qrcode, status) => {
      // Each new code (and each expired one's replacement) needs a fresh scan with the phone.
      if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
        process.stdout.write(`Scan to log in: ${qrcodeValueToImageUrl(qrcode)}\n`);
      }
    });
    bot.on('login', (user) => {
      process.stdout.write(`Logged in as ${user.name()}. Ctrl+C to stop.\n`);
    });
    bot.on('logout', (user) => {
      process.stdout.write(`Logged out: ${user.name()}\n`);
    });
    current = bot;
    return bot;
  };
  // Without a network: one clear line and a growing pause between tries, not a stack per retry.
  const supervisor = new WechatySupervisor({ create, print: (line) => process.stderr.write(`${line}\n`) });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    // Puppets keep sockets and timers open, so exit explicitly once the bot has logged off cleanly.
    Promise.all([reminders.reminders.close().catch(() => undefined), supervisor.stop()])
      .then(() => backends.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`${err instanceof Error ? err.message : String(err)}
`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  await supervisor.start();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
