// CLI tools print their own report; keep natural's dotenv tips and info logs out of it.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
