import express from 'express';

// The baseline of `npm run bench`: express doing only JSON in / JSON out, no bot behind it.
const app = express();
app.use(express.json({ limit: '64kb' }));
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/api/v1/messages', (req, res) => {
  const body = req.body as { userId?: string; text?: string };
  res.json({ reply: String(body.text ?? ''), intent: 'fallback', confidence: 0, lang: 'en', suggestions: [], state: { userId: body.userId } });
});
app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => process.stdout.write('listening\n'));
