const KEY = 'tusk.apiToken';

/** The driver's API token, asked once and kept in this browser (the page itself is public). */
export const apiToken = {
  get: (): string | null => localStorage.getItem(KEY),
  set: (token: string): void => localStorage.setItem(KEY, token),
  clear: (): void => localStorage.removeItem(KEY),
};

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = apiToken.get();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}
