// Tests log only what goes wrong, and natural's dotenv stays quiet.
process.env.LOG_LEVEL ??= 'error';
process.env.DOTENV_CONFIG_QUIET = 'true';
