/** A TEXT column holding a JSON array of strings; anything else reads as empty rather than failing a page. */
export function stringArray(json: string | null): string[] {
  if (json === null) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
