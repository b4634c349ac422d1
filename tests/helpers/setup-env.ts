// Tests never read a developer's .env: they run in demo mode with quiet logs.
process.env.NODE_ENV = "test";
process.env.LOG_LEVEL ??= "silent";
