import type { IncomingMessage, ServerResponse } from 'node:http';

export declare const DEV_ORIGINS: string[];
export declare function configuredOrigins(env: Record<string, string | undefined>): string[];
export declare function isAllowedRequest(
  method: string,
  header: (name: string) => string | null | undefined,
  allowed: readonly string[],
): boolean;
export declare function originGuard(
  allowed: readonly string[],
  onRefused?: (event: { method: string; path: string }) => void,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
