export * from './abilities.ts';
export * from './passwords.ts';
export * from './sessions.ts';
export * from './tokens.ts';
export * from './secret-box.ts';
export * from './totp.ts';
