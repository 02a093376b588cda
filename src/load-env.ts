// Imported first by every entry point: `npm start` (and the CLIs) read .env from the working
// directory when there is one, as .env.example invites. Variables already set in the environment
// win. A missing file is fine, which node's --env-file flag would refuse.
import fs from 'node:fs';

const ENV_FILE = '.env';

if (fs.existsSync(ENV_FILE)) {
  if (typeof process.loadEnvFile === 'function') process.loadEnvFile(ENV_FILE);
  // Node before 20.12 has no loader; say so rather than ignore the file silently.
  else process.stderr.write(`.env found but not read: Node ${process.version} has no process.loadEnvFile (20.12+); export the variables instead\n`);
}
