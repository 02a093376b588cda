import './quiet';
import '../load-env';
// wechaty's own logger prints retries and memory-card noise to the terminal: only real errors.
process.env.WECHATY_LOG ??= 'error';
import { ScanStatus, qrcodeValueToImageUrl } from 'wechaty';
import { createEngine, createStore, handoffSettings } from '../bot';
import { createWechatyBot } from '../channels/wechaty/wechaty-bot';
import { WechatySupervisor } from '../channels/wechaty/wechaty-supervisor';
import { loadConfig } from '../config';

// npm run wechaty: the engine on a personal WeChat account, through the puppet named in WECHATY_PUPPET.
async function main(): Promise<void> {
  const config = loadConfig();
  const engine = createEngine(config, createStore(config), undefined, undefined, { handoff: handoffSettings(config) });
  const create = () => {
    const bot = createWechatyBot({
      puppet: config.WECHATY_PUPPET,
      puppetToken: config.WECHATY_PUPPET_TOKEN,
      handle: (message) => engine.handle(message),
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
    supervisor.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
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
